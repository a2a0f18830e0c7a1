"""The dashboard's pages, one module per page (routes are left out of the OpenAPI description)."""
