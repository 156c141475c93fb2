"""Signing in with the school's own Microsoft 365 or Google Workspace account.

Each school's sign-in (accounts.models.SchoolIdentity) becomes an allauth OpenID
Connect app at request time (`adapter.SchoolSocialAccountAdapter.list_apps`);
`provider.py` always checks the ID token's signature and nonce; `vouching.py`
decides who gets in, and writes every refusal to the security log.
"""
