"""车辆信息: how a group arrives, its buses' and cars' plates, and the entrances' daily vehicle limit."""
