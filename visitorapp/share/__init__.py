"""A link that shares well: Open Graph tags for messengers (WeChat groups), and the printable
programme poster with a QR code of the programme's own URL."""
