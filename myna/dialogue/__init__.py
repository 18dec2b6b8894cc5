"""Dialogue management: states, training trackers, policies and the policy ensemble."""
