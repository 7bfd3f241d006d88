"""找回预约/报名: the holder gets their management and ticket links again, by e-mail only."""
