"""The programme's numbers over time: `/idea stats`, the Home tab's numbers, the monthly
report for leaders with its chart, and the stats export."""
