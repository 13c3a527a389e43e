"""The access matrix's rows: every URL pattern, held against who may use it.

``tests/lms/test_access_matrix.py`` runs the matrix; this package declares it.

**Where a new URL's row goes.** In the ``ROWS`` of the module of the app whose
URLconf, viewset or admin hook declares the view, under the pattern's key
(its route, without the language prefix):

======================  =====================================================
``rows_lms``            lms and Wagtail outside its admin: ``healthz``,
                        ``dashboard/``, the pages Wagtail serves, its password
                        forms and front-end login, ``admin/login/`` and the
                        admin's other sign-in pages; ``WAGTAIL_ADMIN``, the
                        rule for Wagtail's own admin views
``rows_accounts``       allauth (``accounts/...``), accounts (``me/...``,
                        ``organisations/...``), ``admin/organisations/``
``rows_courses``        ``learn/...``, ``admin/enrolments/``
``rows_workshops``      ``workshops/...``, ``admin/workshop_admin/``,
                        ``admin/workshop_attendance/``; ``WEBSOCKET``
                        (``ws/workshops/...``)
``rows_mentoring``      ``mentoring/...``, ``admin/mentoring/rounds/...``, the
                        mentoring records' viewsets (``admin/mentoringpair/``, ...)
``rows_certificates``   ``verify/...``, ``certificates/...``,
                        ``admin/certificates...``, ``admin/certificate-events/``
``rows_notifications``  ``notices/...``
``rows_reports``        ``admin/reports/...``
======================  =====================================================

A new app gets its own ``rows_<app>.py`` with a ``ROWS`` dict, listed in
``matrix.APPS``. A key with rows in two modules fails when the matrix is
imported. What a row is built from lives beside the rows: ``outcomes`` (what
a role gets back, and ``private``, ``everyone``, ``signed_in``, ``roles``),
``shapes`` (``Row``, ``Shadowed``, URL values such as ``pk_row``, ``org_row``,
``pair_row``, ``token_values``, ``rows(...)`` for watched state, ``admin_row``
and ``admin_viewset``); an app's POST bodies and watched state sit at the top
of its module.

A row says, for each role, what a GET and a POST get back: the status code,
where a redirect goes, and whether the state the row watches changed. The
roles (``tests/support/world.py`` builds them and everything they own):

``anonymous``    nobody signed in
``owner``        signed in; owns the objects tried (their organisation, pair,
                 enrolment, certificate, workshop, ...)
``other``        signed in, owns nothing here
``other_org``    signed in, a representative of another organisation, with
                 objects of the same kinds (the "another person's id")
``editor``       platform staff (superuser, Wagtail editor) whose session
                 completed MFA
``staff_nomfa``  a superuser with TOTP whose session did not complete MFA:
                 it must get what an ordinary user gets, and the admin asks it
                 for a code

Rows for objects (``objects=True``) are tried with the owner's id, another
person's id and a neighbouring id: the owner must get ``foreign`` (404
unless the row says otherwise) for the last two, the other roles what the row
says for the owner's object.

Adding a URL: run ``tests/lms/test_access_matrix.py``; the failure prints the
key of each undeclared pattern. Add a row under that key in the app's module:

    "reports/<int:pk>/": Row(
        values=lambda w, which: {"pk": w.own.report.pk},  # give the ids ...
        objects=True,                                      # ... and try others' too
        get=private(OK),                                   # who gets what on GET
        post=private(DONE, editor=DONE),                   # and on POST
        data=lambda w: {...},                              # the POST body
        state=rows("reports.Report"),                      # what must not change
    ),

``private``, ``everyone``, ``signed_in`` build the per-role outcomes from the
usual shapes; pass a role's outcome to change one. Objects a new row needs
go in ``tests/support/world.py`` (one for the owner, one for ``rival``).
Project admin views are rows too (``admin_row``, ``admin_viewset``);
Wagtail's own admin URLs are covered by the ``WAGTAIL_ADMIN`` rule.
"""
