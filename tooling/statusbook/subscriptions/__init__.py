"""The subscription service: readers subscribe themselves by email or webhook.

Optional and apart from the page: the static site stands without it. Settings, the
database (tables, migrations, store), signed links (tokens), addresses, mail, webhooks, the
queue's workers and the ASGI app, in that order of dependence.
"""
