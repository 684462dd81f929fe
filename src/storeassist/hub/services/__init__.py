"""The hub's use cases: each module answers one area of the API inside a session it is given.

Services raise :mod:`storeassist.hub.services.errors` for expected failures; the API layer owns
sessions, transactions and turning errors into problem answers.
"""
