"""RQ side of JewelPWA: job functions (take ids, reload), the periodic schedule, the worker and the scheduler."""
