"""HTTP to a SPARQL engine: credentials, deadlines, and errors that name the URL (never the password).

Standard library `urllib`, not `requests`: the one thing a client library would add is
HTTP digest, and its usual form (send the body, get the 401, send it again) breaks on
Virtuoso, which closes the connection on the 401 while a large body is still being sent
(broken pipe from about 8 MiB). So credentials are sent preemptively: a bodiless GET to
the same URL fetches the challenge, and the real request carries the answer. Basic
authentication is sent preemptively too, once the URL has asked for it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import os
import re
import secrets
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.store.errors import QueryTimeout, StoreUnavailable

_TAG = re.compile(r"<[^>]+>")
#: How long to wait for a connection and for each read when no deadline is given.
DEFAULT_TIMEOUT = 60.0


class EndpointError(StoreUnavailable):
    """The engine could not be reached, refused the request, or answered something unusable.

    `status` is the HTTP status when the engine answered one; `body` the start of its answer.
    """

    def __init__(self, message: str, *, status: int | None = None, body: bytes = b"") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class EndpointTimeout(EndpointError, QueryTimeout):
    """The engine did not answer within the time limit."""


class AuthRefused(EndpointError):
    """The engine asked for credentials and refused the ones given (or none were given)."""


def shown_url(url: str) -> str:
    """The URL without any user:password@ part, for messages and logs."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """`http://user:pw@host/x` → (`http://host/x`, user, pw); credentials in a URL are taken, not shown."""
    parts = urllib.parse.urlsplit(url)
    user = urllib.parse.unquote(parts.username) if parts.username is not None else None
    password = urllib.parse.unquote(parts.password) if parts.password is not None else None
    return shown_url(url), user, password


#: Where credentials come from when no option gives them (options show in the process list).
USER_ENV = "NPT_KG_REMOTE_USER"
PASSWORD_ENV = "NPT_KG_REMOTE_PASSWORD"


def resolve_credentials(url: str, user: str | None, password: str | None) -> tuple[str, str | None, str | None]:
    """(URL without credentials, user, password): options first, then the URL's `user:pw@`, then the environment."""
    clean, url_user, url_password = split_credentials(url)
    user = user or url_user or os.environ.get(USER_ENV) or None
    if password is None:
        password = url_password if url_password is not None else os.environ.get(PASSWORD_ENV)
    return clean, user, password


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()  # HTTP digest is MD5


def digest_answer(challenge: str, method: str, url: str, user: str, password: str) -> str:
    """The `Authorization: Digest …` value for one request (RFC 7616, MD5, qop=auth)."""
    chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(challenge.split(" ", 1)[1]))
    parts = urllib.parse.urlsplit(url)
    uri = parts.path + (f"?{parts.query}" if parts.query else "")
    cnonce = secrets.token_hex(8)
    realm, nonce = chal.get("realm", ""), chal.get("nonce", "")
    ha1 = _md5(f"{user}:{realm}:{password}")
    ha2 = _md5(f"{method}:{uri}")
    qop = "auth" if "auth" in chal.get("qop", "auth").split(",") else None
    response = _md5(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}") if qop else _md5(f"{ha1}:{nonce}:{ha2}")
    fields = [f'username="{user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
              f'response="{response}"', "algorithm=MD5"]
    if qop:
        fields += ["qop=auth", "nc=00000001", f'cnonce="{cnonce}"']
    if "opaque" in chal:
        fields.append(f'opaque="{chal["opaque"]}"')
    return "Digest " + ", ".join(fields)


@dataclass
class Response:
    """A response whose body is still to be read (`chunks`) or already read (`read`)."""

    url: str
    status: int
    headers: dict[str, str]  # names in lower case
    raw: http.client.HTTPResponse | None = field(repr=False, default=None)
    _deadline: _Deadline | None = field(repr=False, default=None)
    #: The start of the body of an error answer (status >= 400), already read.
    error_body: bytes = field(repr=False, default=b"")

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def chunks(self, size: int = 64 * 1024) -> Iterator[bytes]:
        """The body as it arrives; a deadline that passes meanwhile ends it with `EndpointTimeout`."""
        raw = self.raw
        if raw is None:
            return
        try:
            while True:
                try:
                    data = raw.read1(size)
                except (OSError, http.client.HTTPException, ValueError) as exc:
                    if self._deadline is not None and self._deadline.expired:
                        raise self._deadline.error() from None
                    raise EndpointError(f"{self.url}: the answer broke off ({_reason(exc)})") from None
                if not data:
                    if self._deadline is not None and self._deadline.expired:
                        raise self._deadline.error()
                    return
                yield data
        finally:
            self.close()

    def read(self, limit: int | None = None) -> bytes:
        """The whole body (or its first `limit` bytes)."""
        out = bytearray()
        for chunk in self.chunks():
            out += chunk
            if limit is not None and len(out) >= limit:
                break
        self.close()
        return bytes(out if limit is None else out[:limit])

    def close(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        if self.raw is not None:
            self.raw.close()
            self.raw = None


class _Deadline:
    """A wall-clock limit on a whole exchange: when it passes, the connection is shut.

    A socket timeout bounds each read, not the answer: an engine that drips bytes would
    outlast it. Shutting the socket from a timer ends any read at once.
    """

    def __init__(self, url: str, seconds: float) -> None:
        self.url = url
        self.seconds = seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def attach(self, response: http.client.HTTPResponse) -> None:
        fp = getattr(response, "fp", None)
        raw = getattr(fp, "raw", None)
        self._sock = getattr(raw, "_sock", None)
        if self.expired:
            self._expire()

    def _expire(self) -> None:
        self.expired = True
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()

    def error(self) -> EndpointTimeout:
        return EndpointTimeout(f"{self.url}: no complete answer within {self.seconds:g} s, the time limit")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc) or type(exc).__name__
    return text


def _failed(exc: BaseException) -> str:
    """'cannot connect' when nothing listens there or the name is unknown; what broke otherwise."""
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ConnectionRefusedError | socket.gaierror):
        return f"cannot connect ({_reason(exc)})"
    return f"the request failed ({_reason(exc)})"


class Client:
    """Requests to one engine with one set of credentials (which never appear in messages)."""

    def __init__(self, user: str | None = None, password: str | None = None) -> None:
        self.user = user
        self.password = password
        self._schemes: dict[str, str] = {}  # URL without query → "basic" | "digest", learnt from a 401
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler())

    def _key(self, url: str) -> str:
        return url.split("?", 1)[0]

    def _authorization(self, method: str, url: str, timeout: float) -> str | None:
        if self.user is None:
            return None
        scheme = self._schemes.get(self._key(url))
        challenge: str | None = None
        if scheme is None:  # learn it before any body is sent (see the module's docstring)
            challenge = self._challenge(url, timeout)
            scheme = (challenge or "none").split(" ", 1)[0].lower()
            self._schemes[self._key(url)] = scheme
        if scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            return f"Basic {token}"
        if scheme != "digest":
            return None
        challenge = challenge or self._challenge(url, timeout)
        if challenge is None or not challenge.lower().startswith("digest "):
            return None
        return digest_answer(challenge, method, url, self.user, self.password or "")

    def _challenge(self, url: str, timeout: float) -> str | None:
        """A fresh WWW-Authenticate from a bodiless GET (digest nonces are single-use)."""
        try:
            with self._opener.open(urllib.request.Request(url, method="GET"), timeout=timeout) as resp:
                resp.read(0)
                return None
        except urllib.error.HTTPError as err:
            err.read()
            return err.headers.get("WWW-Authenticate")
        except (OSError, urllib.error.URLError, http.client.HTTPException) as exc:
            raise EndpointError(f"{shown_url(url)}: {_failed(exc)}") from None

    def request(self, method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
                *, timeout: float | None = None) -> Response:
        """Send one request and return as soon as the headers are in; the body is read from the `Response`.

        HTTP errors are returned (status ≥ 400), except 401/403, which raise `AuthRefused`.
        `timeout` bounds the whole exchange, the body included.
        """
        shown = shown_url(url)
        limit = DEFAULT_TIMEOUT if timeout is None else timeout
        deadline = _Deadline(shown, limit) if timeout is not None else None
        started = time.monotonic()
        try:
            for attempt in range(2):
                hdrs = dict(headers or {})
                remaining = max(0.1, limit - (time.monotonic() - started))
                auth = self._authorization(method, url, remaining)
                if auth:
                    hdrs["Authorization"] = auth
                req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
                try:
                    raw = self._opener.open(req, timeout=remaining)
                except urllib.error.HTTPError as err:
                    # a streamed body (publish --bulk) is spent after one attempt: sending it again would
                    # put an empty or partial graph; the refusal is reported instead
                    resendable = data is None or isinstance(data, (bytes, bytearray))
                    if err.code == 401 and attempt == 0 and self.user is not None and not auth and resendable:
                        scheme = (err.headers.get("WWW-Authenticate") or "").split(" ", 1)[0].lower()
                        err.read()
                        if scheme in ("basic", "digest"):
                            self._schemes[self._key(url)] = scheme
                            continue
                    return self._error_response(shown, err, deadline)
                resp = Response(shown, raw.status, {k.lower(): v for k, v in raw.headers.items()}, raw, deadline)
                if deadline is not None:
                    deadline.attach(raw)
                return resp
            raise AssertionError("unreachable")
        except EndpointError:
            if deadline is not None:
                deadline.cancel()
            raise
        except (OSError, urllib.error.URLError, http.client.HTTPException, ValueError) as exc:
            if deadline is not None:
                deadline.cancel()
            if isinstance(exc, TimeoutError | socket.timeout) or (deadline is not None and deadline.expired) or \
                    isinstance(getattr(exc, "reason", None), TimeoutError):
                raise EndpointTimeout(f"{shown}: no answer within {limit:g} s, the time limit") from None
            raise EndpointError(f"{shown}: {_failed(exc)}") from None

    def _error_response(self, shown: str, err: urllib.error.HTTPError, deadline: _Deadline | None) -> Response:
        body = err.read(2000)
        if deadline is not None:
            deadline.cancel()
        if err.code in (401, 403):
            who = "the credentials given" if self.user is not None else "a request without credentials"
            raise AuthRefused(f"{shown}: HTTP {err.code}, the engine refused {who} "
                              "(set --user and --password, or NPT_KG_REMOTE_USER / NPT_KG_REMOTE_PASSWORD)",
                              status=err.code, body=body)
        return Response(shown, err.code, {k.lower(): v for k, v in err.headers.items()}, error_body=body)


def engine_name(server_header: str) -> str | None:
    """Which engine answered, from its `Server` header (its time-limit parameter, its bulk path)."""
    lowered = server_header.lower()
    for name in ("virtuoso", "oxigraph", "fuseki", "graphdb", "qlever"):
        if name in lowered:
            return name
    return None


def error_text(resp: Response) -> str:
    """The start of an error answer, as one line of text."""
    text = resp.error_body.decode("utf-8", "replace")
    if "<html" in text[:500].lower() or "<!doctype" in text[:500].lower():
        text = _TAG.sub(" ", text)
    return " ".join(text.split())[:300]
