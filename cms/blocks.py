"""StreamField blocks shared by the portal's pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"), choices=[("h2", "H2"), ("h3", "H3"), ("h4", "H4")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("Heading")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe the image for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        label = _("Image")


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        template = "blocks/document_block.html"
        label = _("Document")


class BodyBlock(blocks.StreamBlock):
    """The body of an article-like page: headings, paragraphs, images, quotes and documents."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "ol", "ul", "link", "document-link", "h3", "h4"],
        template="blocks/paragraph_block.html",
    )
    image = ImageBlock()
    quote = blocks.BlockQuoteBlock(label=_("Quote"), template="blocks/quote_block.html")
    document = DocumentLinkBlock()


class StepBlock(blocks.StructBlock):
    """One step of a service guide (办事流程)."""

    title = blocks.CharBlock(label=_("Step"), max_length=120)
    description = blocks.TextBlock(label=_("What happens"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class MaterialBlock(blocks.StructBlock):
    """One item of the materials a service needs (申请材料)."""

    name = blocks.CharBlock(label=_("Material"), max_length=200)
    copies = blocks.CharBlock(label=_("Copies / form"), max_length=100, required=False)
    required = blocks.BooleanBlock(label=_("Required"), default=True, required=False)

    class Meta:
        icon = "doc-empty"
        label = _("Material")


class QuickLinkBlock(blocks.StructBlock):
    """A quick way into the portal from the home page."""

    title = blocks.CharBlock(label=_("Title"), max_length=60)
    title_en = blocks.CharBlock(label=_("Title (English)"), max_length=80, required=False)
    description = blocks.CharBlock(label=_("Description"), max_length=160, required=False)
    description_en = blocks.CharBlock(
        label=_("Description (English)"), max_length=200, required=False
    )
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or a path on this site"), max_length=200, required=False, help_text="/verify/"
    )
    icon = blocks.ChoiceBlock(
        label=_("Icon"),
        choices=[
            ("search", _("Search")),
            ("check", _("Eligibility")),
            ("apply", _("Apply")),
            ("verify", _("Verify")),
            ("guide", _("Guide")),
        ],
        default="search",
    )

    class Meta:
        icon = "link"
        label = _("Quick link")
