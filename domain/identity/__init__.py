"""Staff users and integration clients: signing in, tokens, accounts."""
