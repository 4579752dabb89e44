"""/clients: integration clients (machine credentials), managed by admins within their scope."""

import uuid

from fastapi import APIRouter, Request, Response, status

from api.dependencies import PageDep, PrincipalDep, RuntimeDep, UowDep
from api.identity.identity_schemas import ClientIn, ClientOut, IssuedClientOut
from api.schemas import PageOut, page_out
from domain.identity import identity_service as service

router = APIRouter(prefix="/clients", tags=["clients"])


@router.get("")
async def list_clients(
    request: Request, response: Response, uow: UowDep, principal: PrincipalDep, page: PageDep
) -> PageOut[ClientOut]:
    """The clients you administer: school admins those of their schools, trust admins those
    of their trust and its schools. Revoked clients stay listed with `revoked_at`."""
    result = await service.list_clients(uow, principal, page)
    return page_out(result, [ClientOut.of(c) for c in result.items], request, response)


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_client(
    body: ClientIn, runtime: RuntimeDep, uow: UowDep, principal: PrincipalDep
) -> IssuedClientOut:
    """Issue a client_id and secret for the client_credentials grant. The secret is in this
    response only; keep it safe (a lost secret means a new client and revoking this one)."""
    cmd = service.CreateClient(
        name=body.name,
        permissions=frozenset(body.permissions),
        trust_id=body.trust_id,
        school_ids=frozenset(body.school_ids),
    )
    issued = await service.create_client(uow, principal, cmd, runtime.hasher)
    shown = ClientOut.of(issued.client).model_dump()
    return IssuedClientOut(**shown, client_secret=issued.secret)


@router.get("/{client_key}")
async def get_client(client_key: uuid.UUID, uow: UowDep, principal: PrincipalDep) -> ClientOut:
    return ClientOut.of(await service.get_client(uow, principal, client_key))


@router.post("/{client_key}/revoke")
async def revoke_client(
    client_key: uuid.UUID, runtime: RuntimeDep, uow: UowDep, principal: PrincipalDep
) -> ClientOut:
    """Revoke for good: no new tokens, and the tokens it holds are refused from its next
    request. Revoking a revoked client answers the same."""
    client = await service.revoke_client(uow, principal, client_key)
    runtime.principals.forget_account("client", client.client_id)
    return ClientOut.of(client)
