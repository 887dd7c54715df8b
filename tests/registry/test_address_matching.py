"""Placing addresses on the national address reference: block point, else town point, else a
problem that names the closest published addresses."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from registry.addresses.matching import NotPlaced, Placement, Reference, ReferenceRow
from registry.addresses.normalise import block_key, town_key
from registry.addresses.selectors import load_reference
from registry.models import AddressPoint, ImportKind, ImportRecord


def town(city, name, lon, lat):
    return ReferenceRow(city, "town", town_key(name), "", lon, lat, name, "", "", False, False)


def block(city, name, number, lon, lat, *, koaza="", residential=True, representative=True):
    return ReferenceRow(
        city,
        "block",
        town_key(name),
        block_key(number),
        lon,
        lat,
        name,
        number,
        koaza,
        residential,
        representative,
    )


HADANO_HONCHO = (139.2250, 35.3750)
HIRATSUKA_HONCHO = (139.3500, 35.3300)
ROWS = [
    # 神奈川県秦野市: a 住居表示 area (本町三丁目), a 地番 area with 小字 (曽屋) and a 大字
    # published only at town level (堀山下).
    town("秦野市", "本町三丁目", *HADANO_HONCHO),
    *(block("秦野市", "本町三丁目", str(n), 139.2200 + n / 10_000, 35.3700) for n in range(1, 21)),
    town("秦野市", "曽屋", 139.2300, 35.3800),
    block("秦野市", "曽屋", "1234", 139.2310, 35.3810, koaza="北原", residential=False),
    block("秦野市", "曽屋", "1235", 139.2320, 35.3820, koaza="北原", residential=False),
    town("秦野市", "大字堀山下", 139.1700, 35.3900),
    town("秦野市", "栄町", 139.2260, 35.3760),
    # 平塚市 also has a 本町三丁目 (the same town key in two cities).
    town("平塚市", "本町三丁目", *HIRATSUKA_HONCHO),
    block("平塚市", "本町三丁目", "12", 139.3510, 35.3310),
    # 東京都千代田区: kanji numerals that are names (一番町) and ヶ/が (霞が関).
    town("千代田区", "霞が関一丁目", 139.7520, 35.6750),
    block("千代田区", "霞が関一丁目", "1", 139.7530, 35.6760),
    block("千代田区", "霞が関一丁目", "2", 139.7540, 35.6770),
    town("千代田区", "一番町", 139.7410, 35.6880),
    block("千代田区", "一番町", "12", 139.7420, 35.6890),
    # 町田市: 本町田 starts like 本町 but is another town.
    town("町田市", "本町田", 139.4400, 35.5700),
    # 埼玉県: 大字 in the address, not in the reference; a city in a 郡.
    block("久喜市", "菖蒲町菖蒲", "123", 139.5850, 36.0650, residential=False),
    town("北葛飾郡杉戸町", "清地二丁目", 139.7300, 36.0300),
    # Block level only, no town point.
    block("秦野市", "南矢名一丁目", "1", 139.2800, 35.3600),
    block("秦野市", "南矢名一丁目", "2", 139.2810, 35.3610),
    # A block published twice: the representative point wins; two representatives are
    # ambiguous.
    block("千代田区", "一番町", "13", 139.7430, 35.6900, representative=False),
    block("千代田区", "一番町", "13", 139.7435, 35.6905),
    block("千代田区", "一番町", "14", 139.7440, 35.6910),
    block("千代田区", "一番町", "14", 139.7445, 35.6915),
]


@pytest.fixture(scope="module")
def reference():
    return Reference(ROWS)


def point_of(placement):
    assert isinstance(placement, Placement), placement
    return placement.level, placement.lon, placement.lat


BLOCK_12 = ("block", 139.2212, 35.3700)


@pytest.mark.parametrize(
    "address",
    [
        "神奈川県秦野市本町三丁目12番5号",
        "神奈川県秦野市本町3丁目12-5",
        "秦野市本町３丁目１２－５",
        "秦野市本町三丁目十二番五号",
        "秦野市本町三丁目十二番地の五",
        "秦野市 本町 3丁目 12番 5号 本町ハイツ101号室",
        "秦野市本町3丁目12―5",
        "秦野市本町3丁目12‐5",
        "秦野市本町3丁目12ー5",
        "秦野市本町3-12-5",
        "〒257-0035 秦野市本町3丁12-5",
    ],
)
def test_it_places_every_spelling_of_an_address_on_its_block(reference, address):
    placement = reference.place(address)
    assert point_of(placement) == pytest.approx(BLOCK_12)
    assert placement.matched == "秦野市本町三丁目12番"


def test_it_places_an_address_without_city_when_the_hint_names_it(reference):
    placed = reference.place("本町三丁目12番5号", city_hint="平塚市")
    assert point_of(placed) == pytest.approx(("block", 139.3510, 35.3310))
    assert reference.place("本町3丁目12-5", city_hint="秦野市").matched == "秦野市本町三丁目12番"


def test_the_city_in_the_address_wins_over_the_hint(reference):
    placed = reference.place("秦野市本町3丁目12-5", city_hint="平塚市")
    assert placed.matched == "秦野市本町三丁目12番"


def test_a_town_of_two_cities_without_city_is_ambiguous_and_names_both(reference):
    assert reference.place("本町3丁目12-5") == NotPlaced(
        "ambiguous", ("平塚市本町三丁目12番", "秦野市本町三丁目12番")
    )
    assert reference.place("神奈川県本町三丁目") == NotPlaced(
        "ambiguous", ("平塚市本町三丁目", "秦野市本町三丁目")
    )


def test_an_unpublished_block_falls_back_to_the_town_point(reference):
    placed = reference.place("秦野市本町三丁目99番1号")
    assert point_of(placed) == pytest.approx(("town", *HADANO_HONCHO))
    assert placed.matched == "秦野市本町三丁目"
    assert point_of(reference.place("秦野市本町三丁目")) == pytest.approx(("town", *HADANO_HONCHO))


@pytest.mark.parametrize(
    "address",
    ["東京都千代田区霞が関1丁目2番", "千代田区霞ヶ関一丁目2-1", "千代田区霞ケ関１丁目２番地"],
)
def test_ke_and_ga_are_one_name(reference, address):
    assert point_of(reference.place(address)) == pytest.approx(("block", 139.7540, 35.6770))


def test_numbers_in_a_town_name_stay_in_the_name(reference):
    placed = reference.place("東京都千代田区一番町12-3 一番町マンション")
    assert point_of(placed) == pytest.approx(("block", 139.7420, 35.6890))


@pytest.mark.parametrize(
    "address",
    [
        "秦野市曽屋1234番地",
        "秦野市曽屋1234-5",
        "秦野市曽屋千二百三十四番地の五",
        "秦野市曽屋字北原1234番地の5",
        "神奈川県秦野市大字曽屋１２３４",
    ],
)
def test_it_places_lot_number_addresses_on_the_published_lot(reference, address):
    placed = reference.place(address)
    assert point_of(placed) == pytest.approx(("block", 139.2310, 35.3810))
    assert placed.matched == "秦野市曽屋北原1234番地"


def test_a_lot_without_a_published_point_takes_its_oaza_point(reference):
    assert point_of(reference.place("秦野市曽屋999番地")) == pytest.approx(
        ("town", 139.2300, 35.3800)
    )
    assert point_of(reference.place("秦野市堀山下500番地の2")) == pytest.approx(
        ("town", 139.1700, 35.3900)
    )
    assert point_of(reference.place("秦野市大字堀山下500")) == pytest.approx(
        ("town", 139.1700, 35.3900)
    )


def test_oaza_in_the_address_and_not_in_the_reference(reference):
    placed = reference.place("埼玉県久喜市菖蒲町大字菖蒲123番地")
    assert point_of(placed) == pytest.approx(("block", 139.5850, 36.0650))


def test_a_city_of_a_gun_is_found_with_or_without_its_gun(reference):
    expected = ("town", 139.7300, 36.0300)
    assert point_of(reference.place("埼玉県北葛飾郡杉戸町清地二丁目1番1号")) == expected
    assert point_of(reference.place("杉戸町清地2丁目1-1")) == expected


def test_a_longer_town_name_is_not_read_as_a_shorter_one(reference):
    # 本町田 (町田市) is not 本町三丁目 with 田 after it, and 栄町田 is not 栄町.
    placed = reference.place("本町田1234")
    assert point_of(placed) == pytest.approx(("town", 139.4400, 35.5700))
    assert placed.matched == "町田市本町田"
    unknown = reference.place("秦野市栄町田5")
    assert isinstance(unknown, NotPlaced)
    assert unknown.reason == "unknown"


def test_an_unknown_town_names_close_published_towns(reference):
    placed = reference.place("秦野市本街三丁目12番5号")
    assert isinstance(placed, NotPlaced)
    assert placed.reason == "unknown"
    assert placed.candidates[0] == "秦野市本町三丁目"
    assert len(placed.candidates) <= 3
    # Candidates come from the city named, not from 平塚市.
    assert all(candidate.startswith("秦野市") for candidate in placed.candidates)


def test_an_unknown_town_in_no_city_searches_every_city(reference):
    placed = reference.place("霞ヶ関二丁目1-1")
    assert placed == NotPlaced("unknown", ("千代田区霞が関一丁目",))


def test_nothing_alike_gives_no_candidates(reference):
    assert reference.place("大阪府大阪市北区梅田1-1") == NotPlaced("unknown", ())
    assert reference.place("") == NotPlaced("unknown", ())


def test_an_unpublished_block_of_a_town_without_town_point_names_its_blocks(reference):
    placed = reference.place("秦野市南矢名1丁目3番")
    assert isinstance(placed, NotPlaced)
    assert placed.reason == "unknown"
    assert set(placed.candidates) == {"秦野市南矢名一丁目1番", "秦野市南矢名一丁目2番"}
    assert point_of(reference.place("秦野市南矢名1-2-3")) == pytest.approx(
        ("block", 139.2810, 35.3610)
    )


def test_the_representative_point_of_a_block_wins(reference):
    assert point_of(reference.place("千代田区一番町13")) == pytest.approx(
        ("block", 139.7435, 35.6905)
    )


def test_two_representative_points_of_a_block_are_ambiguous(reference):
    assert reference.place("千代田区一番町14-2") == NotPlaced("ambiguous", ("千代田区一番町14番",))


def test_the_same_point_published_twice_is_not_ambiguous():
    twice = [town("秦野市", "栄町", 139.2, 35.3), town("秦野市", "栄町", 139.2, 35.3)]
    assert point_of(Reference(twice).place("秦野市栄町")) == ("town", 139.2, 35.3)


def test_an_empty_reference_places_nothing():
    empty = Reference([])
    assert not empty
    assert empty.place("秦野市本町3丁目12-5") == NotPlaced("unknown", ())


def test_it_is_built_from_address_points_as_the_model_holds_them(reference):
    class Stored:
        def __init__(self, row):
            self.city, self.level, self.town_key, self.block_key = row[:4]
            self.location = Point(row.lon, row.lat, srid=4326)
            self.town, self.block, self.koaza = row.town, row.block, row.koaza
            self.residential, self.representative = row.residential, row.representative

    rebuilt = Reference.from_points(Stored(row) for row in ROWS)
    for address in ["秦野市本町3-12-5", "秦野市曽屋1234", "本町3丁目1", "千代田区一番町14"]:
        assert rebuilt.place(address) == reference.place(address)


@pytest.mark.django_db
def test_it_loads_the_reference_of_the_cities_asked_for():
    now = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    record = ImportRecord.objects.create(
        kind=ImportKind.ADDRESSES,
        file_format="csv",
        file_name="14211-23.0a.zip",
        checksum="0" * 64,
        performed_by="system",
        started_at=now,
        finished_at=now,
        rows=3,
        created=3,
        updated=0,
        unchanged=0,
    )
    common = {"prefecture": "神奈川県", "record": record}
    AddressPoint.objects.create(
        level="town",
        city="秦野市",
        town="本町三丁目",
        town_key=town_key("本町三丁目"),
        town_code="001003",
        location=Point(*HADANO_HONCHO, srid=4326),
        **common,
    )
    AddressPoint.objects.create(
        level="block",
        city="秦野市",
        town="本町三丁目",
        block="12",
        town_key=town_key("本町三丁目"),
        block_key=block_key("12"),
        residential=True,
        representative=True,
        location=Point(139.2212, 35.3700, srid=4326),
        **common,
    )
    AddressPoint.objects.create(
        level="town",
        city="平塚市",
        town="本町三丁目",
        town_key=town_key("本町三丁目"),
        location=Point(*HIRATSUKA_HONCHO, srid=4326),
        **common,
    )

    hadano = load_reference(["秦野市"])
    assert hadano.cities == {"秦野市"}
    placed = hadano.place("本町三丁目12番5号")
    assert point_of(placed) == pytest.approx(BLOCK_12)
    assert isinstance(placed, Placement)
    assert placed.matched == "秦野市本町三丁目12番"
    assert point_of(hadano.place("本町三丁目40番")) == pytest.approx(("town", *HADANO_HONCHO))

    everywhere = load_reference()
    assert everywhere.cities == {"秦野市", "平塚市"}
    assert isinstance(everywhere.place("本町三丁目"), NotPlaced)


@pytest.fixture
def shimizu():
    """A city with both 清水町 (its own 番) and 清水町一〜三丁目, as some cities have."""
    return Reference(
        [
            block("支えあい市", "清水町", "3", 139.10, 35.10),
            block("支えあい市", "清水町三丁目", "3", 139.20, 35.20),
            block("支えあい市", "清水町三丁目", "12", 139.21, 35.21),
        ]
    )


@pytest.mark.parametrize(
    "address", ["支えあい市清水町3番3号", "清水町三番地三", "清水町３番地の３"]
)
def test_a_ban_written_as_such_is_the_towns_own_block_not_a_chome(shimizu, address):
    placed = shimizu.place(address)

    assert isinstance(placed, Placement) and placed.matched == "支えあい市清水町3番"


def test_a_chome_written_as_such_is_the_chome(shimizu):
    placed = shimizu.place("清水町3丁目3番5号")

    assert isinstance(placed, Placement) and placed.matched == "支えあい市清水町三丁目3番"


def test_hyphens_alone_are_ambiguous_where_both_readings_are_published(shimizu):
    both = shimizu.place("清水町3-3")
    chome_only = shimizu.place("清水町3-12-1")  # 清水町 has no block 12 of its own

    assert isinstance(both, NotPlaced) and both.reason == "ambiguous"
    assert set(both.candidates) == {"支えあい市清水町3番", "支えあい市清水町三丁目3番"}
    assert isinstance(chome_only, Placement) and chome_only.matched == "支えあい市清水町三丁目12番"


def test_an_unpublished_chome_goes_to_the_towns_point_never_to_a_block_of_its_number():
    reference = Reference(
        [
            town("支えあい市", "緑町", 139.30, 35.30),
            block("支えあい市", "緑町", "3", 139.31, 35.31),
            block("支えあい市", "緑町", "21", 139.32, 35.32),
        ]
    )

    for address in ("支えあい市緑町三丁目21番24号", "緑町3-21-24"):
        placed = reference.place(address)
        assert isinstance(placed, Placement) and placed.level == "town", address
    assert reference.place("緑町21-24") == Placement("block", 139.32, 35.32, "支えあい市緑町21番")


def test_a_one_character_slip_in_a_short_town_name_is_offered():
    reference = Reference([town("支えあい市", "旭町", 139.3, 35.3)])

    missed = reference.place("支えあい市旭待5番")

    assert isinstance(missed, NotPlaced) and missed.candidates == ("支えあい市旭町",)
