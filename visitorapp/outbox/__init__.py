"""Outbox: every email is stored in the same transaction as the change it reports, then sent
by `flask mail send-outbox` (or a worker) with retries, so a booking never fails because the mail
server is down and nothing is sent twice."""
