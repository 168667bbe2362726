//===- DatasetIO.cpp - Image datasets and .npy arrays ---------------------===//

#include "dfq/Support/DatasetIO.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <zlib.h>

using namespace mlir::dfq;
using llvm::Expected;
using llvm::StringRef;

int64_t FloatArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Reads a whole file through zlib, which passes uncompressed files through.
static Expected<std::vector<uint8_t>> readMaybeGzipped(StringRef path) {
  gzFile file = gzopen(path.str().c_str(), "rb");
  if (!file)
    return makeError("cannot open '" + path + "'");
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  while (true) {
    int n = gzread(file, chunk, sizeof(chunk));
    if (n < 0) {
      int code = 0;
      std::string message = gzerror(file, &code);
      gzclose(file);
      return makeError("cannot read '" + path + "': " + message);
    }
    if (n == 0)
      break;
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  gzclose(file);
  return bytes;
}

Expected<ByteArray> mlir::dfq::readIdxFile(StringRef path) {
  Expected<std::vector<uint8_t>> bytes = readMaybeGzipped(path);
  if (!bytes)
    return bytes.takeError();
  const std::vector<uint8_t> &b = *bytes;
  if (b.size() < 4 || b[0] != 0 || b[1] != 0)
    return makeError("'" + path + "' is not an IDX file (bad magic number)");
  if (b[2] != 0x08)
    return makeError("'" + path + "' holds IDX element type 0x" +
                     llvm::utohexstr(b[2]) +
                     "; only unsigned bytes (0x08) are supported");
  unsigned rank = b[3];
  if (rank == 0 || rank > 4 || b.size() < 4 + 4 * rank)
    return makeError("'" + path + "' has a bad IDX header");
  ByteArray array;
  uint64_t count = 1;
  for (unsigned i = 0; i < rank; ++i) {
    const uint8_t *p = &b[4 + 4 * i];
    uint64_t dim = (uint64_t(p[0]) << 24) | (uint64_t(p[1]) << 16) |
                   (uint64_t(p[2]) << 8) | uint64_t(p[3]);
    array.shape.push_back(static_cast<int64_t>(dim));
    count *= dim;
    if (count > (uint64_t(1) << 34))
      return makeError("'" + path + "' declares an implausibly large array");
  }
  size_t offset = 4 + 4 * rank;
  if (b.size() - offset != count)
    return makeError("'" + path + "' holds " + llvm::Twine(b.size() - offset) +
                     " data bytes but its header declares " +
                     llvm::Twine(count) + " (truncated?)");
  array.data.assign(b.begin() + offset, b.end());
  return array;
}

std::string mlir::dfq::getFashionMnistDir() {
  if (const char *dir = std::getenv("FMNIST_DIR"))
    return dir;
  return "/usr/share/datasets/fashion-mnist";
}

FloatArray mlir::dfq::normalizeImages(const ByteArray &images, float mean,
                                      float std) {
  FloatArray out;
  out.shape = images.shape;
  if (out.shape.size() == 3)
    out.shape.insert(out.shape.begin() + 1, 1);
  out.data.resize(images.data.size());
  // Same operation order as the zoo's training script, in float32.
  for (size_t i = 0; i < images.data.size(); ++i)
    out.data[i] = (float(images.data[i]) / 255.0f - mean) / std;
  return out;
}

/// Finds `name` in `dir`, gzipped or not.
static std::string findIdx(StringRef dir, StringRef name) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  std::string plain = path.str().str();
  if (llvm::sys::fs::exists(plain + ".gz"))
    return plain + ".gz";
  return plain;
}

Expected<LabeledImages> mlir::dfq::loadFashionMnist(StringRef dir,
                                                    StringRef split, float mean,
                                                    float std) {
  if (split != "train" && split != "test")
    return makeError("unknown Fashion-MNIST split '" + split +
                     "' (expected 'train' or 'test')");
  StringRef prefix = split == "train" ? "train" : "t10k";
  Expected<ByteArray> images =
      readIdxFile(findIdx(dir, (prefix + "-images-idx3-ubyte").str()));
  if (!images)
    return images.takeError();
  Expected<ByteArray> labels =
      readIdxFile(findIdx(dir, (prefix + "-labels-idx1-ubyte").str()));
  if (!labels)
    return labels.takeError();
  if (images->shape.size() != 3 || labels->shape.size() != 1 ||
      images->shape[0] != labels->shape[0])
    return makeError("Fashion-MNIST files in '" + dir +
                     "' disagree: expected [N, H, W] images and [N] labels");
  LabeledImages result;
  result.images = normalizeImages(*images, mean, std);
  result.labels.assign(labels->data.begin(), labels->data.end());
  return result;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

/// Extracts the value of `'key':` from a .npy header dictionary.
static std::optional<StringRef> headerValue(StringRef header, StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  if (rest.starts_with("(")) {
    size_t close = rest.find(')');
    if (close == StringRef::npos)
      return std::nullopt;
    return rest.substr(1, close - 1);
  }
  if (rest.starts_with("'")) {
    size_t close = rest.find('\'', 1);
    if (close == StringRef::npos)
      return std::nullopt;
    return rest.substr(1, close - 1);
  }
  return rest.take_until([](char c) { return c == ',' || c == '}'; }).trim();
}

Expected<FloatArray> mlir::dfq::readNpy(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file)
    return makeError("cannot open '" + path +
                     "': " + file.getError().message());
  StringRef bytes = (*file)->getBuffer();
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    return makeError("'" + path + "' is not a .npy file");
  unsigned major = uint8_t(bytes[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = uint8_t(bytes[8]) | (size_t(uint8_t(bytes[9])) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return makeError("'" + path + "' is truncated");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(uint8_t(bytes[8 + i])) << (8 * i);
    headerStart = 12;
  } else {
    return makeError("'" + path + "' has unsupported .npy version " +
                     llvm::Twine(major));
  }
  if (bytes.size() < headerStart + headerLen)
    return makeError("'" + path + "' is truncated");
  StringRef header = bytes.substr(headerStart, headerLen);
  std::optional<StringRef> descr = headerValue(header, "descr");
  std::optional<StringRef> fortran = headerValue(header, "fortran_order");
  std::optional<StringRef> shapeText = headerValue(header, "shape");
  if (!descr || !fortran || !shapeText)
    return makeError("'" + path + "' has a malformed .npy header");
  if (*fortran != "False")
    return makeError("'" + path +
                     "' is in Fortran order; write it with C order");
  size_t elementSize;
  if (*descr == "<f4")
    elementSize = 4;
  else if (*descr == "<f8")
    elementSize = 8;
  else if (*descr == "|u1" || *descr == "<u1")
    elementSize = 1;
  else
    return makeError("'" + path + "' has dtype '" + *descr +
                     "'; dfq reads float32, float64 and uint8 arrays");

  FloatArray array;
  uint64_t count = 1;
  llvm::SmallVector<StringRef> parts;
  shapeText->split(parts, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0)
      return makeError("'" + path + "' has a malformed shape (" + *shapeText +
                       ")");
    array.shape.push_back(dim);
    count *= uint64_t(dim);
    if (count > (uint64_t(1) << 34))
      return makeError("'" + path + "' declares an implausibly large array");
  }
  StringRef data = bytes.drop_front(headerStart + headerLen);
  if (data.size() != count * elementSize)
    return makeError("'" + path + "' holds " + llvm::Twine(data.size()) +
                     " data bytes but its shape needs " +
                     llvm::Twine(count * elementSize));
  array.data.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    const char *p = data.data() + i * elementSize;
    if (elementSize == 4) {
      std::memcpy(&array.data[i], p, 4);
    } else if (elementSize == 8) {
      double value;
      std::memcpy(&value, p, 8);
      array.data[i] = static_cast<float>(value);
    } else {
      array.data[i] = static_cast<float>(uint8_t(*p));
    }
  }
  return array;
}

llvm::Error mlir::dfq::writeNpy(StringRef path, const FloatArray &array) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (int64_t d : array.shape)
    header += std::to_string(d) + ", ";
  if (!array.shape.empty())
    header.erase(header.size() - 1); // "(a, b,)" and "(a,)" are both tuples
  header += "), }";
  // Pad with spaces so the data starts 64-byte aligned, ending in '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  llvm::SmallString<256> tempPath;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, tempPath))
    return makeError("cannot create a file next to '" + path +
                     "': " + ec.message());
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff)
        << char((header.size() >> 8) & 0xff) << header;
    out.write(reinterpret_cast<const char *>(array.data.data()),
              array.data.size() * sizeof(float));
    out.close();
    if (out.has_error()) {
      std::string message = out.error().message();
      out.clear_error();
      llvm::sys::fs::remove(tempPath);
      return makeError("cannot write '" + path + "': " + message);
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tempPath, path)) {
    llvm::sys::fs::remove(tempPath);
    return makeError("cannot write '" + path + "': " + ec.message());
  }
  return llvm::Error::success();
}
