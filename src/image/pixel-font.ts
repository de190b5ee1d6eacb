/** Glyph cells: 5 columns by 7 rows, the classic small LCD font size. */
export const GLYPH_WIDTH = 5;
/** Rows of a glyph. */
export const GLYPH_HEIGHT = 7;
/** Empty columns between two glyphs. */
const GLYPH_SPACING = 1;

/**
 * The characters the figures and the synthetic scene need, `#` = ink. Only these: a renderer for
 * labels, not a typeface; an unknown character throws rather than drawing nothing.
 */
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  ' ': ['.....', '.....', '.....', '.....', '.....', '.....', '.....'],
  A: ['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  B: ['####.', '#...#', '#...#', '####.', '#...#', '#...#', '####.'],
  C: ['.###.', '#...#', '#....', '#....', '#....', '#...#', '.###.'],
  E: ['#####', '#....', '#....', '####.', '#....', '#....', '#####'],
  G: ['.###.', '#...#', '#....', '#.###', '#...#', '#...#', '.###.'],
  I: ['.###.', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  N: ['#...#', '##..#', '#.#.#', '#..##', '#...#', '#...#', '#...#'],
  O: ['.###.', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
  P: ['####.', '#...#', '#...#', '####.', '#....', '#....', '#....'],
  R: ['####.', '#...#', '#...#', '####.', '#.#..', '#..#.', '#...#'],
  S: ['.####', '#....', '#....', '.###.', '....#', '....#', '####.'],
  T: ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'],
  U: ['#...#', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
  X: ['#...#', '#...#', '.#.#.', '..#..', '.#.#.', '#...#', '#...#'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
};

/** A line of text as a grid of ink cells. */
export interface TextBitmap {
  /** Columns (glyph cells, spacing included). */
  readonly width: number;
  /** Rows (always {@link GLYPH_HEIGHT}). */
  readonly height: number;
  /** Whether the cell at `column`, `row` is ink; false outside the bitmap. */
  inked(column: number, row: number): boolean;
}

/** Lays out `text` (upper case, the characters of {@link GLYPHS}) in the 5×7 font. */
export function textBitmap(text: string): TextBitmap {
  const glyphs = [...text.toUpperCase()].map((character) => {
    const glyph = GLYPHS[character];
    if (!glyph) throw new RangeError(`pixel font has no glyph for ${JSON.stringify(character)}`);
    return glyph;
  });
  const advance = GLYPH_WIDTH + GLYPH_SPACING;
  return {
    width: Math.max(0, glyphs.length * advance - GLYPH_SPACING),
    height: GLYPH_HEIGHT,
    inked: (column, row) => {
      if (column < 0 || row < 0 || row >= GLYPH_HEIGHT) return false;
      const glyph = glyphs[Math.floor(column / advance)];
      return glyph?.[row][column % advance] === '#';
    },
  };
}
