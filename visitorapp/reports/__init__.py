"""Reports: exports, the emergency roster (应急名册), the statistics report (活动情况报表, 附件1)
and data protection (masking, purging a past week's personal data)."""
