"""``planner sweep``: draw who shows up and the weather many times, re-plan each draw, and say what is at risk.

One module per concern:

- ``draws``: every person of the scenario and one sample's draw (person by person, session by
  session, from the sample's own seed);
- ``engine``: a warm model per worker re-planning samples by their bounds, and the Dask
  cluster the samples run on (local processes, or a scheduler by address);
- ``risk``: samples.csv, risk.csv and summary.json from the samples' results;
- ``charts``: the coverage distribution, the risk per point on the map, the needs most often short;
- ``reserves``: the fewest standby volunteers per district so that a share of samples fills
  every first-aid duty;
- ``parts``: independent parts of a scenario (who can reach what), solved apart and joined.
"""
