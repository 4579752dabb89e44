"""Small HTTP conventions shared by the routers."""

from fastapi import Response

from api.dependencies import etag


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)
