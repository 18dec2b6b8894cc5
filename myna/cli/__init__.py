"""The `myna` command line: Rasa's command habits on Myna's engine."""
