"""The pages of situation pictures: each party's own picture, the joint
analysis, and its cause analyses."""
