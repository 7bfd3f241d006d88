"""Individual registration (个人报名): one person signs up for a slot of an individual event."""
