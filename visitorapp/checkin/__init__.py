"""Gate check-in (签到/核销) and exit (离场): every scan, the live on-site count, gate devices."""
