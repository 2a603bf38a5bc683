"""What the staff console and the applicant portal share: server-rendered Persian pages.

The two never import each other; both import this. `session` holds the sign-in session's
machinery (the CSRF field, the same-origin check, the session cookie), `routing` the route
class that turns every failure into a Persian page or a trip to sign-in, `render` the Jinja2
filters that make a page Persian and the headers every page is sent with, and `labels` the
texts both say alike. What differs (cookie names, CSRF contexts, sign-in addresses, who is
signed in, each audience's wording) stays in `daftar.console` and `daftar.portal`.
"""
