//! HyperLogLog: Redis's exact `HYLL` string bytes, PFADD/PFCOUNT/PFMERGE.
