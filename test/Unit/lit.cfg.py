# -*- Python -*-
# Runs dfq's GoogleTest binaries as lit tests, one lit test per gtest case.

import os

import lit.formats

config.name = "dfq-unit"
config.suffixes = []
config.test_source_root = os.path.join(config.dfq_obj_root, "unittests")
config.test_exec_root = config.test_source_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
