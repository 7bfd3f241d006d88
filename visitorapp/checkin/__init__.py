"""Check-in at the gate (签到/核销). Minimal stand-in from the reports branch: the model only."""
