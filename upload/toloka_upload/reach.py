"""Whether the API's host can be reached at all: one TCP connection before the first request, so a server that is
down or a misspelt host is named in one line at once, instead of after a minute of retries per request. For https
the TLS handshake is part of it (the client's own SSL context): an https URL on a plain-HTTP port, or a certificate
the client would refuse, is as unreachable as a closed port.

Only the very start is checked this way: once the server has been reached, a connection error is a passing
fault and is retried (and logged) as usual.
"""

import asyncio
import contextlib
import socket
import ssl
import urllib.request

import httpx

from toloka_upload.errors import UploadError


class UnreachableError(UploadError):
    """The API's host could not be reached (no such host, connection refused, no answer): nothing was sent."""


def _where(url: httpx.URL) -> str:
    """The URL as the user wrote it, without any user:password part."""
    return str(url.copy_with(username=None, password=None))


def _proxied(url: httpx.URL) -> bool:
    """Whether the environment sends this URL through a proxy (then the host itself need not be reachable)."""
    proxies = urllib.request.getproxies()
    if not (proxies.get(url.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(url.host)


async def check_reachable(base_url: str, *, timeout: float) -> None:
    """Open and close one TCP (and for https, TLS) connection to the base URL's host and port; UnreachableError
    saying why not."""
    url = httpx.URL(base_url)
    if _proxied(url):
        return
    port = url.port or (443 if url.scheme == "https" else 80)
    where = _where(url)
    tls = httpx.create_ssl_context() if url.scheme == "https" else None  # what httpx verifies with by default
    connect = asyncio.open_connection(url.host, port, ssl=tls, server_hostname=url.host if tls else None)
    try:
        _, writer = await asyncio.wait_for(connect, timeout)
    except ssl.SSLCertVerificationError as exc:
        raise UnreachableError(f"cannot reach {where}: its TLS certificate is refused ({exc.verify_message})") from None
    except ssl.SSLError as exc:
        raise UnreachableError(
            f"cannot reach {where}: the TLS handshake failed ({exc.reason or type(exc).__name__}; does port {port} "
            "speak https?)"
        ) from None
    except socket.gaierror:
        raise UnreachableError(f"cannot reach {where}: the host name {url.host!r} does not resolve") from None
    except ConnectionRefusedError:
        raise UnreachableError(f"cannot reach {where}: connection refused (nothing listens on port {port})") from None
    except TimeoutError:
        raise UnreachableError(f"cannot reach {where}: no connection within {timeout:g} s") from None
    except OSError as exc:
        raise UnreachableError(f"cannot reach {where}: {exc.strerror or type(exc).__name__}") from None
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
