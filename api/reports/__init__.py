"""Reports people read: HTML pages with inline charts, rendered from the domain's report objects."""
