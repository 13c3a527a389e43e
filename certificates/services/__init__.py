"""The certificates' public surface for other apps: issuing, and a holder's certificate.

Other apps and the composition root call these (``docs/architecture.md``);
inside the app, each module imports what it needs from the module that does
it:

- ``access``: who may see and administer certificates, fetch-or-404;
- ``issuing``: issuing once per award, releasing certificates when a name
  is confirmed;
- ``sealing``: the signed credential, the achievement and the offline payload;
- ``pdfs``: rendering, storing and re-rendering the PDF;
- ``revocation``: revoking and reissuing;
- ``verification``: finding a certificate from a link, a code or a PDF;
- ``links``: the public addresses printed, signed and put in the QR code;
- ``personal_data``: the data export and erasure;
- ``audit``: the event every change records.
"""

from .access import get_certificate_for_user
from .issuing import confirm_name, issue_for, issue_for_pair

__all__ = ["confirm_name", "get_certificate_for_user", "issue_for", "issue_for_pair"]
