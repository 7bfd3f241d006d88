"""变更通知: notices from organizers to every group and registrant a change affects."""
