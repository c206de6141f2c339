# SPDX-License-Identifier: MIT
"""The host's model of the screen for screen tests (docs/graphics.md, "Screen tests").

QEMU's `screendump` writes what the guest's display shows as a binary PPM (P6). A test
renders the text it expects with the same PSF console font the guest draws with, in the
expected colours, and compares that region of the screendump pixel for pixel; a mismatch
reports the first differing pixel and how many differ. Everything here is plain Python 3
(no imaging library), and every input file is checked before use.

    font = PsfFont.load("build/.../fonts/Uni2-Terminus16.psf")
    shot = Image.read_ppm("shot.ppm")
    expected = render_text(font, "42", foreground=(255, 255, 255), background=(0, 0, 0))
    diff = compare_region(shot, expected, x=0, y=16)
    assert diff.equal, diff.report()
"""

import struct

# The component sizes (red, green, blue bits) of the pixel formats pkg/graphics defines.
PIXEL_FORMATS = {"rgb565": (5, 6, 5), "bgr565": (5, 6, 5),
                 "xrgb8888": (8, 8, 8), "xbgr8888": (8, 8, 8)}

PSF1_MAGIC = b"\x36\x04"
PSF2_MAGIC = b"\x72\xb5\x4a\x86"
REPLACEMENT_CHARACTER = 0xFFFD


class FormatError(ValueError):
    """A font or image file that is not what it claims to be."""


class PsfFont:
    """A PSF1 or PSF2 console font: glyph bitmaps and the code point to glyph map."""

    def __init__(self, width, height, glyphs, code_points):
        self.width = width
        self.height = height
        self.glyphs = glyphs                # list of bytes, rows of ceil(width / 8) bytes
        self.code_points = code_points      # {code point: lowest glyph listing it} or None

    @classmethod
    def load(cls, path):
        with open(path, "rb") as f:
            return cls.parse(f.read())

    @classmethod
    def parse(cls, data):
        if data[:2] == PSF1_MAGIC:
            return cls._parse_psf1(data)
        if data[:4] == PSF2_MAGIC:
            return cls._parse_psf2(data)
        raise FormatError("not a PSF1 or PSF2 font")

    @classmethod
    def _parse_psf1(cls, data):
        if len(data) < 4:
            raise FormatError("PSF1 header cut short")
        mode, height = data[2], data[3]
        if mode & ~0x07 or height == 0:
            raise FormatError(f"PSF1 mode {mode:#x} or height {height} not supported")
        count = 512 if mode & 0x01 else 256
        glyphs, end = cls._glyphs(data, 4, count, height)
        table = None
        if mode & 0x06:
            table = cls._psf1_table(data[end:], count)
        elif end != len(data):
            raise FormatError("data after the last glyph")
        return cls(8, height, glyphs, table)

    @classmethod
    def _parse_psf2(cls, data):
        if len(data) < 32:
            raise FormatError("PSF2 header cut short")
        (version, header_size, flags, count, glyph_size, height,
         width) = struct.unpack_from("<7I", data, 4)
        if version != 0 or header_size < 32 or flags & ~1:
            raise FormatError("PSF2 version, header size or flags not supported")
        if not (0 < width <= 64 and 0 < height <= 128 and 0 < count <= 65536) or \
                glyph_size != height * ((width + 7) // 8):
            raise FormatError(f"PSF2 sizes out of range: {width}x{height}, {count} glyphs")
        glyphs, end = cls._glyphs(data, header_size, count, glyph_size)
        table = None
        if flags & 1:
            table = cls._psf2_table(data[end:], count)
        elif end != len(data):
            raise FormatError("data after the last glyph")
        return cls(width, height, glyphs, table)

    @staticmethod
    def _glyphs(data, start, count, size):
        end = start + count * size
        if end > len(data):
            raise FormatError("glyphs cut short")
        return [data[start + i * size:start + (i + 1) * size] for i in range(count)], end

    @staticmethod
    def _add(table, code_point, glyph):
        table.setdefault(code_point, glyph)

    @classmethod
    def _psf1_table(cls, data, count):
        if len(data) % 2:
            raise FormatError("PSF1 Unicode table of an odd length")
        table, glyph, in_sequence = {}, 0, False
        for (value,) in struct.iter_unpack("<H", data):
            if glyph == count:
                raise FormatError("data after the Unicode table")
            if value == 0xFFFF:
                glyph, in_sequence = glyph + 1, False
            elif value == 0xFFFE:
                in_sequence = True
            elif 0xD800 <= value <= 0xDFFF:
                raise FormatError("surrogate in the PSF1 Unicode table")
            elif not in_sequence:
                cls._add(table, value, glyph)
        if glyph != count:
            raise FormatError("PSF1 Unicode table cut short")
        return table

    @classmethod
    def _psf2_table(cls, data, count):
        table, glyph, in_sequence, i = {}, 0, False, 0
        while i < len(data):
            if glyph == count:
                raise FormatError("data after the Unicode table")
            byte = data[i]
            if byte == 0xFF:
                glyph, in_sequence, i = glyph + 1, False, i + 1
                continue
            if byte == 0xFE:
                in_sequence, i = True, i + 1
                continue
            length = 1 if byte < 0x80 else 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            try:
                text = data[i:i + length].decode("utf-8")
            except UnicodeDecodeError:
                raise FormatError("bad UTF-8 in the PSF2 Unicode table") from None
            if len(text) != 1:
                raise FormatError("bad UTF-8 in the PSF2 Unicode table")
            if not in_sequence:
                cls._add(table, ord(text), glyph)
            i += length
        if glyph != count:
            raise FormatError("PSF2 Unicode table cut short")
        return table

    def glyph_for(self, code_point):
        """The glyph drawn for a code point: its own, else U+FFFD's, else '?''s, else 0."""
        for candidate in (code_point, REPLACEMENT_CHARACTER, ord("?")):
            if self.code_points is None:
                if candidate < len(self.glyphs):
                    return candidate
            elif candidate in self.code_points:
                return self.code_points[candidate]
        return 0

    def pixel(self, glyph, x, y):
        row_bytes = (self.width + 7) // 8
        return bool(self.glyphs[glyph][y * row_bytes + x // 8] >> (7 - x % 8) & 1)

    def rows(self, code_point):
        """The glyph of a code point as strings of '#' (set) and '.' (clear), for tests."""
        glyph = self.glyph_for(code_point)
        return ["".join("#" if self.pixel(glyph, x, y) else "." for x in range(self.width))
                for y in range(self.height)]


class Image:
    """An RGB image: width, height and rows of (r, g, b) bytes, 3 bytes per pixel."""

    def __init__(self, width, height, pixels=None, fill=(0, 0, 0)):
        if width <= 0 or height <= 0:
            raise ValueError(f"image size {width}x{height}")
        self.width = width
        self.height = height
        self.pixels = bytearray(pixels) if pixels is not None else bytearray(fill) * (width * height)
        if len(self.pixels) != width * height * 3:
            raise ValueError("pixel data does not match the image size")

    def get(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.pixels[i:i + 3])

    def put(self, x, y, color):
        i = (y * self.width + x) * 3
        self.pixels[i:i + 3] = bytes(color)

    @classmethod
    def read_ppm(cls, path):
        with open(path, "rb") as f:
            return cls.parse_ppm(f.read())

    @classmethod
    def parse_ppm(cls, data):
        """A binary PPM (P6) with a maximum value of 255, as QEMU's screendump writes."""
        fields, i = [], 0
        while len(fields) < 4:
            while i < len(data) and data[i:i + 1].isspace():
                i += 1
            if data[i:i + 1] == b"#":                       # a comment runs to the line end
                while i < len(data) and data[i:i + 1] != b"\n":
                    i += 1
                continue
            start = i
            while i < len(data) and not data[i:i + 1].isspace() and data[i:i + 1] != b"#":
                i += 1
            if start == i:
                raise FormatError("PPM header cut short")
            fields.append(data[start:i])
        if fields[0] != b"P6":
            raise FormatError(f"not a binary PPM (magic {fields[0][:8]!r})")
        try:
            width, height, maximum = (int(f) for f in fields[1:])
        except ValueError:
            raise FormatError("PPM header fields are not numbers") from None
        if maximum != 255 or not (0 < width <= 16384 and 0 < height <= 16384):
            raise FormatError(f"PPM {width}x{height} with maximum {maximum} not supported")
        i += 1                                              # the one whitespace byte
        body = data[i:i + width * height * 3]
        if len(body) != width * height * 3:
            raise FormatError("PPM pixel data cut short")
        return cls(width, height, body)

    def ppm_bytes(self):
        return b"P6\n%d %d\n255\n" % (self.width, self.height) + bytes(self.pixels)

    def write_ppm(self, path):
        with open(path, "wb") as f:
            f.write(self.ppm_bytes())


def shown_color(color, pixel_format):
    """The colour a screendump shows for `color` drawn in `pixel_format`: each component cut
    to the format's top bits, which QEMU's PL111 model widens back to eight bits with zeros
    below (checked by test_screen.py: 0xC8 in a 5-bit component shows as 0xC8 & 0xF8 = 200).
    pkg/graphics' pixel_format_unpack repeats the bits instead (0x1F gives 0xFF), which is
    the better guess for our own screenshots but not what QEMU shows."""
    sizes = PIXEL_FORMATS[pixel_format]
    return tuple(c & (0xFF << (8 - size)) & 0xFF for c, size in zip(color, sizes))


def fill_rectangle(image, x, y, width, height, color):
    """Fills the part of the rectangle inside the image, as surface_fill_rectangle does."""
    left, top = max(x, 0), max(y, 0)
    right, bottom = min(x + width, image.width), min(y + height, image.height)
    row = bytes(color) * max(right - left, 0)
    for py in range(top, bottom):
        i = (py * image.width + left) * 3
        image.pixels[i:i + len(row)] = row
    return image


def render_text(font, text, foreground, background, image=None, x=0, y=0):
    """Draws `text` one font cell per code point from (x, y) into `image` (a new image just
    big enough when None), set bits in `foreground` and clear bits in `background`, as the
    guest's surface_draw_text does; returns the image."""
    if image is None:
        image = Image(max(1, font.width * len(text)), font.height, fill=background)
    for n, character in enumerate(text):
        glyph = font.glyph_for(ord(character))
        for row in range(font.height):
            for column in range(font.width):
                px, py = x + n * font.width + column, y + row
                if 0 <= px < image.width and 0 <= py < image.height:
                    color = foreground if font.pixel(glyph, column, row) else background
                    image.put(px, py, color)
    return image


class Difference:
    """The result of compare_region: equal, or where and how much the images differ."""

    def __init__(self, x, y, width, height, count, first, actual, expected):
        self.x, self.y, self.width, self.height = x, y, width, height
        self.count = count
        self.first = first                  # (x, y) on the screen of the first difference
        self.actual = actual
        self.expected = expected

    @property
    def equal(self):
        return self.count == 0

    def report(self):
        region = f"region {self.width}x{self.height} at ({self.x}, {self.y})"
        if self.equal:
            return f"{region}: equal"
        return (f"{region}: {self.count} pixels differ; first at {self.first}: "
                f"screen {self.actual}, expected {self.expected}")


def compare_region(screen, expected, x, y):
    """Compares `expected` with the region of `screen` whose top left corner is (x, y)."""
    if x < 0 or y < 0 or x + expected.width > screen.width or y + expected.height > screen.height:
        raise ValueError(f"region {expected.width}x{expected.height} at ({x}, {y}) is not "
                         f"inside the {screen.width}x{screen.height} screen")
    count, first, actual, wanted = 0, None, None, None
    row_bytes = expected.width * 3
    for row in range(expected.height):
        start = ((y + row) * screen.width + x) * 3
        screen_row = screen.pixels[start:start + row_bytes]
        expected_row = expected.pixels[row * row_bytes:(row + 1) * row_bytes]
        if screen_row == expected_row:
            continue
        for column in range(expected.width):
            a = screen_row[column * 3:column * 3 + 3]
            b = expected_row[column * 3:column * 3 + 3]
            if a != b:
                count += 1
                if first is None:
                    first, actual, wanted = (x + column, y + row), tuple(a), tuple(b)
    return Difference(x, y, expected.width, expected.height, count, first, actual, wanted)
