"""Pictures for the demo catalogue, drawn with Pillow: nothing is downloaded.

Each department has its own motif (a device, a house, a stack of books, a shirt, a ball),
coloured by the colour in the product's name, varied by the product's number, with the
product's name written across the bottom; so a fresh `make run` shows a shop, not a grid
of initials.
"""

from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

SIZE = (800, 600)
COLOURS = {
    "black": (40, 40, 46),
    "blue": (46, 94, 170),
    "green": (52, 140, 86),
    "grey": (128, 132, 140),
    "red": (190, 52, 52),
    "white": (236, 236, 232),
    "sand": (214, 190, 140),
    "olive": (118, 124, 56),
}
BACKGROUNDS = [(246, 241, 232), (232, 240, 246), (240, 246, 236), (246, 236, 240)]


def _device(draw: ImageDraw.ImageDraw, colour, variant: int) -> None:
    width = 220 + 60 * (variant % 3)
    draw.rounded_rectangle(
        (400 - width // 2, 110, 400 + width // 2, 420), radius=28, fill=colour, outline=(30, 30, 30), width=6
    )
    draw.rounded_rectangle((400 - width // 2 + 22, 140, 400 + width // 2 - 22, 370), radius=10, fill=(210, 226, 240))
    draw.ellipse((385, 380, 415, 410), fill=(240, 240, 240))


def _house(draw: ImageDraw.ImageDraw, colour, variant: int) -> None:
    draw.rectangle((250, 240, 550, 430), fill=colour, outline=(30, 30, 30), width=6)
    draw.polygon([(220, 250), (400, 110 - 10 * (variant % 3)), (580, 250)], fill=(150, 60, 50), outline=(30, 30, 30))
    draw.rectangle((370, 330, 430, 430), fill=(90, 60, 40))
    for x in (280, 470):
        draw.rectangle((x, 270, x + 50, 320), fill=(210, 226, 240), outline=(30, 30, 30), width=3)


def _books(draw: ImageDraw.ImageDraw, colour, variant: int) -> None:
    for index in range(3 + variant % 3):
        left = 230 + index * 70
        shade = tuple(max(0, min(255, channel + 25 * (index % 3) - 25)) for channel in colour)
        draw.rectangle((left, 140 + 12 * (index % 2), left + 58, 430), fill=shade, outline=(30, 30, 30), width=4)
        draw.line((left + 10, 200, left + 48, 200), fill=(245, 230, 180), width=5)


def _shirt(draw: ImageDraw.ImageDraw, colour, variant: int) -> None:
    sleeve = 60 + 20 * (variant % 3)
    draw.polygon(
        [(320, 120), (480, 120), (520 + sleeve, 200), (480 + sleeve // 2, 250), (470, 220), (470, 440),
         (330, 440), (330, 220), (320 - sleeve // 2, 250), (280 - sleeve, 200)],
        fill=colour, outline=(30, 30, 30),
    )  # fmt: skip
    draw.arc((360, 100, 440, 160), start=0, end=180, fill=(30, 30, 30), width=6)


def _ball(draw: ImageDraw.ImageDraw, colour, variant: int) -> None:
    radius = 140 + 20 * (variant % 3)
    draw.ellipse((400 - radius, 270 - radius, 400 + radius, 270 + radius), fill=colour, outline=(30, 30, 30), width=6)
    draw.arc(
        (400 - radius, 200 - radius, 400 + radius, 340 + radius), start=200, end=340, fill=(245, 245, 245), width=8
    )
    draw.line((400 - radius, 270, 400 + radius, 270), fill=(245, 245, 245), width=8)


MOTIFS = {"Electronics": _device, "Home": _house, "Books": _books, "Clothing": _shirt, "Sports": _ball}


def picture(title: str, department: str, colour_name: str, variant: int) -> bytes:
    """A JPEG of `title` in `department`'s motif and the named colour; `variant` changes the layout."""
    image = Image.new("RGB", SIZE, BACKGROUNDS[variant % len(BACKGROUNDS)])
    draw = ImageDraw.Draw(image)
    MOTIFS.get(department, _ball)(draw, COLOURS.get(colour_name, (120, 120, 120)), variant)
    draw.rectangle((0, 480, SIZE[0], SIZE[1]), fill=(255, 255, 255))
    font = ImageFont.load_default(size=30)
    text = title if len(title) <= 44 else title[:43] + "…"
    width = draw.textlength(text, font=font)
    draw.text(((SIZE[0] - width) / 2, 520), text, fill=(30, 30, 30), font=font)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
