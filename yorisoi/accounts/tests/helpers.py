"""Log-in helpers shared by the account tests and the browser tests."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, as a 6-digit string.

    django-otp accepts each time step once; when the current step was just used (two log-ins within
    30 seconds), this answers the next step's code, which the verifier's tolerance of one step accepts.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code that no step inside the verifier's tolerance accepts."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    accepted = set()
    for offset in range(-device.tolerance - 1, device.tolerance + 2):
        totp.drift = device.drift + offset
        accepted.add(totp.token())
    candidate = 123_456
    while candidate in accepted:
        candidate += 1
    return f"{candidate:06d}"
