import Config

extension ExperimentSchema {
    /// The text of `docs/experiments.md`: the key reference generated from ``root``.
    public static var referenceMarkdown: String {
        """
        # Experiment files

        An experiment file is YAML in `experiments/`. `funaudio run FILE` checks every key before
        anything runs: an unknown key (with the closest valid name), a wrong type, a value out of
        range or a missing file is reported with its file, line and key path.

        - `extends: base.yaml` inherits another file (relative path); keys here override its keys,
          sections merge key by key, lists and scalars are replaced whole.
        - `--set model.fusion.kind=film` overrides one key from the command line; the value is
          read as YAML (`--set train.lr=3e-4`, `--set data.speakers=[a,b]`).
        - A relative path (`data.corpus`, `model.bert.path`, a cell's `reference`) is read relative
          to the file that names it; one given with `--set`, relative to the current folder.
        - `sweep:` runs many configurations of one file: `grid` (every combination of the listed
          values) and/or `random` (`count` draws from `uniform`, `log_uniform`, `int` or `choice`,
          reproducible with `seed`):

        ```yaml
        sweep:
          grid:
            model.fusion.kind: [attention_pool, cross_attention, concat, film]
          random:
            count: 4
            seed: 7
            params:
              train.lr: {log_uniform: [1.0e-4, 3.0e-3]}
        ```

        This reference is generated from the schema in `Sources/Experiments/ExperimentSchema.swift`
        (`funaudio docs experiments`); a test fails when it is out of date.

        \(root.markdown(title: "experiment"))
        """
    }
}
