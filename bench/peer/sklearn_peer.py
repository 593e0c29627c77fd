#!/usr/bin/env python3
"""scikit-learn peer of `gtm train` for the training benchmark (docs/BENCHMARKS.md, "peer").

Reads the opportunity features (a CSV that DuckDB wrote from the snapshot's Parquet file in the same run: Debian
serves no Parquet reader for Python), takes the closed rows, holds out the newest 20% by created date (ties by id),
and for logistic regression and HistGradientBoosting with early stopping runs 5-fold stratified cross-validation plus
a final fit on the training part, scoring the holdout, once with one thread and once with all. Prints one JSON object.
Needs Debian's python3-sklearn (numpy, scipy, joblib, threadpoolctl come with it).
"""
import argparse
import csv
import json
import math
import os
import time

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits


def read(path, categorical, numeric):
    start = time.perf_counter()
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["is_closed"].lower() != "true":
                continue
            rows.append(r)
    rows.sort(key=lambda r: (r["created_date"], r["opportunity_id"]))
    cats = np.array([[r[c] or "" for c in categorical] for r in rows], dtype=object)
    nums = np.array([[float(r[c]) if r[c] not in ("", None) else math.nan for c in numeric] for r in rows], dtype=float)
    y = np.array([r["label_won"].lower() in ("1", "true") for r in rows], dtype=int)
    return cats, nums, y, time.perf_counter() - start


def models(n_cat, n_num, seed):
    cat_idx = list(range(n_cat))
    num_idx = list(range(n_cat, n_cat + n_num))
    linear = Pipeline([
        ("features", ColumnTransformer([
            ("cat", OneHotEncoder(handle_unknown="ignore"), cat_idx),
            ("num", Pipeline([("impute", SimpleImputer(add_indicator=True)), ("scale", StandardScaler())]), num_idx),
        ])),
        ("model", LogisticRegression(max_iter=1000)),
    ])
    boosted = Pipeline([
        ("features", ColumnTransformer([
            ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1), cat_idx),
            ("num", "passthrough", num_idx),
        ])),
        ("model", HistGradientBoostingClassifier(
            categorical_features=list(range(n_cat)), early_stopping=True, validation_fraction=0.1,
            n_iter_no_change=10, max_iter=500, random_state=seed)),
    ])
    return {"LogisticRegression": linear, "HistGradientBoosting": boosted}


def run(name, model, x_train, y_train, x_holdout, y_holdout, folds, seed, threads):
    with threadpool_limits(limits=threads):
        start = time.perf_counter()
        cpu_start = time.process_time()
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        aucs = cross_val_score(model, x_train, y_train, cv=cv, scoring="roc_auc", n_jobs=threads)
        cv_seconds = time.perf_counter() - start
        fit_start = time.perf_counter()
        model.fit(x_train, y_train)
        fit_seconds = time.perf_counter() - fit_start
        cpu_seconds = time.process_time() - cpu_start
        p = model.predict_proba(x_holdout)[:, 1]
    return {
        "model": name, "threads": threads, "cv_auc": float(np.mean(aucs)), "holdout_auc": float(roc_auc_score(y_holdout, p)),
        "cv_seconds": cv_seconds, "final_fit_seconds": fit_seconds, "seconds": cv_seconds + fit_seconds,
        # This process's CPU time; with more than one job the CV folds run in joblib's worker processes, not counted.
        "cpu_seconds": cpu_seconds if threads == 1 else None,
    }


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--csv", required=True)
    a.add_argument("--categorical", required=True)
    a.add_argument("--numeric", required=True)
    a.add_argument("--folds", type=int, default=5)
    a.add_argument("--holdout-fraction", type=float, default=0.2)
    a.add_argument("--seed", type=int, default=42)
    a.add_argument("--threads", default="1,all")
    args = a.parse_args()
    categorical = [c for c in args.categorical.split(",") if c]
    numeric = [c for c in args.numeric.split(",") if c]
    cats, nums, y, read_seconds = read(args.csv, categorical, numeric)
    x = np.empty((len(y), len(categorical) + len(numeric)), dtype=object)
    x[:, :len(categorical)] = cats
    x[:, len(categorical):] = nums
    holdout = int(round(len(y) * args.holdout_fraction))
    x_train, y_train, x_holdout, y_holdout = x[:-holdout], y[:-holdout], x[-holdout:], y[-holdout:]
    results = []
    for t in args.threads.split(","):
        threads = os.cpu_count() if t == "all" else int(t)
        for name, model in models(len(categorical), len(numeric), args.seed).items():
            results.append(run(name, model, x_train, y_train, x_holdout, y_holdout, args.folds, args.seed, threads))
    print(json.dumps({
        "sklearn": __import__("sklearn").__version__, "cpus": os.cpu_count(), "rows": int(len(y)),
        "train_rows": int(len(y_train)), "holdout_rows": int(len(y_holdout)), "read_seconds": read_seconds, "runs": results,
    }))


if __name__ == "__main__":
    main()
