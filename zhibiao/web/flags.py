"""Marking a fact wrong over HTTP: ``POST``/``DELETE /api/facts/{id}/flag`` and the fact page's form.

Both write, so both need the API token, as uploads do (a server without one is read-only).
The form posts to ``/facts/{id}/flag`` and is sent back to the fact page; with JavaScript
(``static/flag.js``) it calls the API instead and the page changes in place.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from zhibiao.store.flags import FlagError, clear_flag, flag_fact
from zhibiao.web.app import UTF8JSON, Settings, request_token

router = APIRouter()


def _allowed(request: Request, given: str | None) -> None:
    """Refuse a write without the server's API token: 403 when it has none, 401 when it is wrong."""
    settings: Settings = request.app.state.settings
    if settings.token is None:
        raise HTTPException(403, "marking facts is off: this server is read-only (start it with --token TOKEN)")
    if not settings.token_ok(given):
        raise HTTPException(401, "marking facts needs the API token: send 'Authorization: Bearer TOKEN'",
                            headers={"WWW-Authenticate": "Bearer"})


def _headers_token(request: Request) -> str | None:
    return request_token({k.lower(): v for k, v in request.headers.items()})


def _set(request: Request, fact_id: int, note: str | None) -> dict:
    try:
        flag = flag_fact(request.app.state.store, fact_id, note)
    except FlagError as err:
        raise HTTPException(404 if str(err).startswith("no fact") else 422, str(err)) from None
    request.app.state.cache.clear()  # compare, targets and conflicts change
    return flag


def _clear(request: Request, fact_id: int) -> bool:
    try:
        removed = clear_flag(request.app.state.store, fact_id)
    except FlagError as err:
        raise HTTPException(404, str(err)) from None
    request.app.state.cache.clear()
    return removed


@router.post("/api/facts/{fact_id}/flag", tags=["api"], summary="Mark a fact wrong (needs the API token)")
def flag(request: Request, fact_id: int,
         note: Annotated[str | None, Body(embed=True, description="Why it is wrong (optional).")] = None
         ) -> UTF8JSON:
    """Mark fact `fact_id` wrong, with an optional note (JSON body ``{"note": "…"}``); marking it
    again replaces the note. Compare, targets and conflicts leave it out; exports carry ``flagged``."""
    _allowed(request, _headers_token(request))
    return UTF8JSON({"ok": True, **_set(request, fact_id, note)})


@router.delete("/api/facts/{fact_id}/flag", tags=["api"], summary="Unmark a fact (needs the API token)")
def unflag(request: Request, fact_id: int) -> UTF8JSON:
    """Remove the flag of fact `fact_id` (``removed``: whether it had one)."""
    _allowed(request, _headers_token(request))
    return UTF8JSON({"ok": True, "fact_id": fact_id, "flagged": False, "removed": _clear(request, fact_id)})


@router.post("/facts/{fact_id}/flag", include_in_schema=False)
def flag_form(request: Request, fact_id: int, token: Annotated[str, Form()] = "",
              note: Annotated[str, Form()] = "", action: Annotated[str, Form()] = "flag") -> RedirectResponse:
    """The fact page's form without JavaScript: mark or unmark, then back to the fact page."""
    _allowed(request, token or _headers_token(request))
    if action == "clear":
        _clear(request, fact_id)
    else:
        _set(request, fact_id, note)
    return RedirectResponse(f"/facts/{fact_id}", status_code=303)
