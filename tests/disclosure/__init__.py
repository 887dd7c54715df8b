"""The disclosure probe: every URL, every role, with and without an emergency, searched for
what the user may not see."""
