"""Decision trees and tree ensembles as flat arrays, shared by classifiers and regressors."""
