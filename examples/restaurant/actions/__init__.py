"""Custom actions for the restaurant example bot.

Start the action server from examples/restaurant/ with ``myna run actions`` or, with
Rasa's SDK, ``python -m rasa_sdk --actions actions``. The actions are in actions.py;
parsing.py, orders.py and weather.py hold the logic they use and import no SDK.
"""
