"""Build configuration that pyproject.toml cannot express: data folders shipped inside the package.

``exercise_specs/`` and ``routines/`` stay at the top of the repository (people add
YAML files there) and are installed as the packages ``formcheck.exercise_specs`` and
``formcheck.routines``;
``formcheck.records.data_folders`` finds it in a checkout and in an install.
The recogniser's fitted classifier (``formcheck/pipeline/recognise_weights.json``) ships as package data.
Everything else is configured in pyproject.toml.
"""

from setuptools import find_packages, setup

#: Top-level folders shipped as ``formcheck.<name>`` (every file in them). Add a name to ship another.
DATA_FOLDERS = ("exercise_specs", "routines")

setup(
    packages=find_packages(include=["formcheck", "formcheck.*"]) + [f"formcheck.{d}" for d in DATA_FOLDERS],
    package_dir={f"formcheck.{d}": d for d in DATA_FOLDERS},
    package_data={**{f"formcheck.{d}": ["*"] for d in DATA_FOLDERS},
                  "formcheck.pipeline": ["recognise_weights.json"]},  # the recogniser's classifier
)
