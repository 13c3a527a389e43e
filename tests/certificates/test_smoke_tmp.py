from tests.certificates.conftest import pdf_bytes


def test_issue_and_render(certificate):
    assert certificate.render_state == "ready", certificate.render_error
    assert pdf_bytes(certificate).startswith(b"%PDF")
