"""hallsim tests; helpers.py holds the shared scenario builders and theory checks."""
