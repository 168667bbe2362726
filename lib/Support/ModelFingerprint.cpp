//===- ModelFingerprint.cpp - what a library was built from ---------------===//

#include "dfq/Support/ModelFingerprint.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

std::string mlir::dfq::computeModelFingerprint(llvm::StringRef modelText,
                                               llvm::StringRef target) {
  llvm::SHA256 hash;
  hash.update(modelText);
  // The separator keeps (text, target) pairs apart that would concatenate
  // to the same bytes.
  hash.update(llvm::StringRef("\0", 1));
  hash.update(target);
  return llvm::toHex(hash.final(), /*LowerCase=*/true);
}
