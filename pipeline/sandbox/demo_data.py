"""The demo's content: twenty news submissions from Balangan's villages, their photos, and an officer's choices.

Names and e-mail addresses are invented; kecamatan and desa are real (pipeline/data/balangan-wilayah.csv).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

DEMO_BLOG_NAME = "Portal Berita KIM Kabupaten Balangan"
DEMO_FORM_TITLE = "Formulir Berita KIM Desa (Jawaban)"
DEMO_REVIEW_TITLE = "Review Berita KIM Balangan"


@dataclass(frozen=True)
class DemoResponse:
    minutes_ago: int
    kecamatan: str
    desa: str
    operator: str
    email: str
    title: str
    body: str
    photos: tuple[str, ...]


@dataclass(frozen=True)
class PhotoSpec:
    width: int
    height: int
    colour: tuple[int, int, int]
    accent: tuple[int, int, int]


@dataclass(frozen=True)
class OfficerAction:
    index: int
    approve: bool = False
    reject: bool = False
    mode: str = "Terbit"
    note: str = ""
    new_title: str | None = None


DEMO_PHOTOS: dict[str, PhotoSpec] = {
    "gotong-royong": PhotoSpec(640, 427, (120, 170, 220), (60, 140, 70)),
    "posyandu": PhotoSpec(640, 427, (240, 200, 210), (200, 60, 90)),
    "musdes": PhotoSpec(640, 427, (230, 220, 190), (140, 90, 40)),
    "blt": PhotoSpec(640, 427, (200, 230, 200), (30, 110, 60)),
    "umkm": PhotoSpec(640, 427, (250, 230, 170), (210, 120, 20)),
    "festival": PhotoSpec(640, 427, (250, 190, 120), (180, 40, 40)),
    "panen": PhotoSpec(640, 427, (170, 210, 240), (200, 170, 40)),
    "ternak": PhotoSpec(640, 427, (190, 220, 180), (110, 80, 50)),
    "jalan": PhotoSpec(640, 427, (200, 200, 210), (90, 90, 90)),
    "banjir": PhotoSpec(640, 427, (150, 170, 190), (40, 80, 150)),
    "pasar": PhotoSpec(640, 427, (240, 220, 200), (160, 50, 120)),
    "pengajian": PhotoSpec(640, 427, (210, 230, 230), (20, 120, 120)),
}


def _response(
    minutes_ago: int, kecamatan: str, desa: str, operator: str, title: str, body: str, *photos: str
) -> DemoResponse:
    handle = operator.lower().split()[0].strip(".")
    return DemoResponse(minutes_ago, kecamatan, desa, operator, f"{handle}.kim@example.com", title, body, photos)


DEMO_RESPONSES: tuple[DemoResponse, ...] = (
    _response(
        7150,
        "Juai",
        "Muara Ninian",
        "Siti Rahmah",
        "Warga Muara Ninian Gotong Royong Bersihkan Saluran Irigasi",
        "Puluhan warga Desa Muara Ninian bergotong royong membersihkan saluran irigasi sepanjang dua kilometer "
        "pada Minggu pagi. Kegiatan dipimpin langsung oleh kepala desa bersama ketua RT setempat.\n\n"
        "Saluran yang dipenuhi lumpur dan rumput liar itu selama ini membuat air tidak lancar ke sawah warga. "
        "Setelah dibersihkan, petani berharap musim tanam berikutnya berjalan lebih baik.",
        "gotong-royong",
    ),
    _response(
        6900,
        "Halong",
        "Mantuyan",
        "Ahmad Fauzi",
        "Posyandu Mawar Mantuyan Timbang 45 Balita",
        "Posyandu Mawar di Desa Mantuyan kembali melaksanakan kegiatan rutin bulanan. Sebanyak 45 balita "
        "ditimbang dan diukur tinggi badannya oleh kader bersama bidan desa.\n\n"
        "Selain penimbangan, ibu-ibu juga mendapat penyuluhan tentang makanan bergizi dan pencegahan stunting. "
        "Kader mengajak orang tua rutin datang ke posyandu setiap bulan.",
        "posyandu",
        "gotong-royong",
    ),
    _response(
        6500,
        "Awayan",
        "Tundakan",
        "Noor Hidayah",
        "Musyawarah Desa Tundakan Bahas Rencana Kerja 2027",
        "Pemerintah Desa Tundakan menggelar musyawarah desa untuk membahas Rencana Kerja Pemerintah Desa tahun "
        "2027. Musyawarah dihadiri BPD, tokoh masyarakat, tokoh agama dan perwakilan pemuda.\n\n"
        "Usulan yang paling banyak disampaikan warga adalah perbaikan jalan usaha tani dan penambahan lampu "
        "penerangan jalan di dusun yang masih gelap.",
        "musdes",
    ),
    _response(
        6100,
        "batu  mandi",
        "Mantimin",
        "Rusdiansyah",
        "Penyaluran BLT Dana Desa Tahap Akhir di Mantimin",
        "Pemerintah Desa Mantimin menyalurkan Bantuan Langsung Tunai Dana Desa tahap akhir kepada 32 keluarga "
        "penerima manfaat. Penyaluran berlangsung tertib di balai desa.\n\n"
        "Kepala desa mengingatkan agar bantuan digunakan untuk kebutuhan pokok keluarga. Pendamping desa turut "
        "hadir memastikan penyaluran tepat sasaran.",
        "blt",
    ),
    _response(
        5800,
        "Lampihong",
        "Lajar",
        "Mahyuni",
        "Pelatihan Pengemasan Produk UMKM di Desa Lajar",
        "Sebanyak 25 pelaku UMKM Desa Lajar mengikuti pelatihan pengemasan produk yang difasilitasi pemerintah "
        "desa. Peserta belajar membuat kemasan yang menarik dan mencantumkan label yang benar.\n\n"
        "Produk yang dilatih antara lain kerupuk ikan, dodol dan keripik pisang. Peserta berharap produk mereka "
        "bisa masuk ke toko oleh-oleh di Paringin.\n\n"
        "Info pendaftaran pelatihan berikutnya dapat dilihat di https://balangankab.go.id/ atau kantor desa.",
        "umkm",
        "pasar",
    ),
    _response(
        5400,
        "PARINGIN",
        "Balang",
        "Hj. Aisyah",
        "Festival Budaya Desa Balang Tampilkan Kesenian Tradisional",
        "Festival budaya Desa Balang berlangsung meriah dengan penampilan tari tradisional, madihin dan "
        "pameran kerajinan anyaman. Ratusan warga memadati lapangan desa sejak sore hari.\n\n"
        "Panitia menyebut festival ini untuk melestarikan budaya Banjar dan mengenalkannya kepada generasi muda.",
        "festival",
    ),
    _response(
        5100,
        "Paringin Selatan",
        "Murung Jambu",
        "Syahrani",
        "Lomba Kampung Bersih Antar RT di Murung Jambu",
        "Dalam rangka memperingati hari jadi desa, Desa Murung Jambu menggelar lomba kampung bersih antar RT. "
        "Penilaian meliputi kebersihan lingkungan, pengelolaan sampah dan penghijauan.\n\n"
        "RT 03 keluar sebagai juara pertama berkat bank sampah yang dikelola ibu-ibu PKK.",
    ),
    _response(
        4700,
        "Tebing Tinggi",
        "Dayak Pitap",
        "Yohanes Liwat",
        "Panen Padi Gunung di Dayak Pitap Melimpah",
        "Petani di Desa Dayak Pitap bersyukur karena panen padi gunung tahun ini melimpah. Hasil panen rata-rata "
        "naik dibanding tahun lalu berkat cuaca yang mendukung.\n\n"
        "Warga menggelar syukuran panen bersama sebagai tradisi turun-temurun.",
        "panen",
    ),
    _response(
        4300,
        "Juai",
        "Hamarung",
        "Fitriani",
        "",
        "Vaksinasi ternak sapi dan kambing dilaksanakan di Desa Hamarung oleh petugas kesehatan hewan. "
        "Sebanyak 120 ekor ternak mendapatkan vaksin untuk mencegah penyakit mulut dan kuku.",
        "ternak",
    ),
    _response(
        3900,
        "Halong",
        "Liyu",
        "Darmansyah",
        "Pembangunan Jalan Usaha Tani Desa Liyu Rampung",
        "Pembangunan jalan usaha tani sepanjang 800 meter di Desa Liyu telah rampung dikerjakan. Jalan ini "
        "dibangun menggunakan Dana Desa dan dikerjakan secara padat karya oleh warga.\n\n"
        "Dengan jalan baru ini, petani karet dan sawit lebih mudah mengangkut hasil kebun.",
        "jalan",
    ),
    _response(
        3500,
        "Awayan",
        "Pudak",
        "Rizky Maulana",
        "Karang Taruna Pudak Gelar Turnamen Voli Antar Desa",
        "Karang Taruna Desa Pudak menggelar turnamen bola voli antar desa se-Kecamatan Awayan. Sebanyak 16 tim "
        "putra dan 8 tim putri ikut bertanding selama satu minggu.\n\n"
        "Ketua karang taruna berharap kegiatan ini menjauhkan pemuda dari narkoba dan mempererat persaudaraan.",
        "festival",
    ),
    _response(
        3100,
        "Batu Mandi",
        "Lok Batu",
        "Husnul Khatimah",
        "Pengajian Rutin Ibu-Ibu Majelis Taklim Lok Batu",
        "Majelis taklim ibu-ibu Desa Lok Batu melaksanakan pengajian rutin setiap Jumat sore di langgar desa. "
        "Kegiatan diisi pembacaan Yasin dan ceramah agama.\n\n"
        "Pengurus mengajak ibu-ibu lain untuk ikut serta memakmurkan langgar.",
        "pengajian",
    ),
    _response(
        2700,
        "Lampihong",
        "Kupang",
        "Muhammad Ridha",
        "Siaga Banjir, Relawan Desa Kupang Siapkan Perahu Karet",
        "Menghadapi musim hujan, relawan tanggap bencana Desa Kupang menyiapkan perahu karet dan posko siaga. "
        "Relawan juga mendata rumah warga yang berada di dekat bantaran sungai.\n\n"
        "Warga diminta segera melapor ke posko jika air sungai mulai naik.",
        "banjir",
    ),
    _response(
        2300,
        "Paringin",
        "Lasung Batu",
        "Nurul Aini",
        "Pasar Murah Jelang Akhir Tahun di Lasung Batu",
        "Pemerintah Desa Lasung Batu bekerja sama dengan dinas terkait menggelar pasar murah menjelang akhir "
        'tahun. Harga cabai < Rp 50.000 & bawang "naik" menjadi keluhan utama ibu rumah tangga.\n\n'
        "Di pasar murah, beras, minyak goreng dan gula dijual di bawah harga pasar.",
        "pasar",
    ),
    _response(
        1900,
        "Paringin Selatan",
        "Batu Piring",
        "Abdul Hadi",
        "Kelurahan Batu Piring Tanam 500 Bibit Pohon",
        "Kelurahan Batu Piring menanam 500 bibit pohon di sepanjang jalan dan bantaran sungai. Penanaman "
        "melibatkan pelajar, pramuka dan warga.\n\n"
        "Lurah berharap pohon yang ditanam dirawat bersama agar lingkungan semakin hijau dan sejuk.",
    ),
    _response(
        1500,
        "Tebing Tinggi",
        "Ju'uh",
        "Marlina",
        "Kelas Belajar Membaca untuk Anak di Desa Ju'uh",
        "Relawan KIM Desa Ju'uh membuka kelas belajar membaca gratis untuk anak-anak setiap sore. Kegiatan "
        "berlangsung di rumah baca desa yang dilengkapi buku sumbangan warga.\n\n"
        "Sudah 30 anak yang rutin datang belajar membaca dan menulis.",
        "pengajian",
    ),
    _response(
        1100,
        "juai",
        "Sungai Batung",
        "Hendra Saputra",
        "Sosialisasi Bahaya Hoaks bagi Warga Sungai Batung",
        "KIM Desa Sungai Batung bersama Bhabinkamtibmas menggelar sosialisasi bahaya berita bohong atau hoaks. "
        "Warga diajak memeriksa kebenaran informasi sebelum membagikannya di media sosial.\n\n"
        "Peserta juga diajari cara mengenali judul berita yang menyesatkan.",
        "musdes",
    ),
    _response(
        700,
        "Halong",
        "Binju",
        "Sarah Ulfa",
        "Penyemprotan Disinfektan Kandang Ayam Warga Binju",
        "Petugas peternakan bersama pemerintah Desa Binju melakukan penyemprotan disinfektan di kandang ayam "
        "milik warga. Kegiatan ini untuk mencegah penyebaran penyakit unggas.\n\n"
        "Warga diminta menjaga kebersihan kandang dan melapor jika ada ayam yang mati mendadak.",
        "ternak",
    ),
    _response(
        400,
        "Awayan",
        "Sei Pumpung",
        "Ilham Akbar",
        "Perbaikan Jembatan Gantung Sei Pumpung",
        "Warga Desa Sei Pumpung bergotong royong memperbaiki papan lantai jembatan gantung yang rusak. Jembatan "
        "ini merupakan akses utama anak sekolah menuju desa tetangga.\n\n"
        "Bahan kayu dibantu pemerintah desa, sementara tenaga dari warga secara sukarela.",
        "jalan",
        "gotong-royong",
        "banjir",
    ),
    _response(
        120,
        "Lampihong",
        "Simpang Tiga",
        "Wahyudi",
        "Senam Sehat Lansia Setiap Jumat di Simpang Tiga",
        "Posbindu Desa Simpang Tiga mengadakan senam sehat untuk lansia setiap Jumat pagi. Setelah senam, "
        "peserta diperiksa tekanan darah dan gula darahnya oleh petugas puskesmas.\n\n"
        "Kegiatan ini disambut antusias oleh warga lanjut usia.",
        "posyandu",
    ),
)

# What the demo officer does after the first cycle (indexes into DEMO_RESPONSES; index 8 is the invalid one).
OFFICER_ACTIONS: tuple[OfficerAction, ...] = (
    OfficerAction(0, approve=True),
    OfficerAction(1, approve=True),
    OfficerAction(2, approve=True),
    OfficerAction(3, approve=True),
    OfficerAction(4, approve=True),
    OfficerAction(5, approve=True, new_title="Festival Budaya Desa Balang Tampilkan Kesenian Tradisional Banjar"),
    OfficerAction(7, approve=True),
    OfficerAction(9, approve=True),
    OfficerAction(10, approve=True, mode="Draf"),
    OfficerAction(13, approve=True, mode="Draf"),
    OfficerAction(
        12, reject=True, note="Foto kurang jelas dan isi belum dikonfirmasi ke kepala desa. Mohon dikirim ulang."
    ),
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(spec: PhotoSpec) -> bytes:
    """A small PNG: sky fading into ground in the two colours, with a sun disc, so each photo looks distinct."""
    width, height = spec.width, spec.height
    horizon = height * 3 // 5
    sun_x, sun_y, sun_r2 = width * 3 // 4, height // 4, (height // 10) ** 2
    rows: list[bytes] = []
    for y in range(height):
        if y < horizon:
            t = y / horizon
            base = bytes(int(c * (1 - 0.3 * t) + 255 * 0.3 * t) for c in spec.colour)
        else:
            base = bytes(spec.accent)
        line = bytearray(base * width)
        dy2 = (y - sun_y) ** 2
        if dy2 <= sun_r2:
            half = int((sun_r2 - dy2) ** 0.5)
            start, end = max(0, sun_x - half), min(width, sun_x + half)
            line[start * 3 : end * 3] = b"\xff\xe0\x80" * (end - start)
        rows.append(b"\x00" + bytes(line))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + _chunk(b"IEND", b"")
    )


DEMO_COMPLAINT_FORM_TITLE = "Formulir Pengaduan Masyarakat melalui KIM (Jawaban)"


@dataclass(frozen=True)
class DemoComplaint:
    minutes_ago: int
    name: str
    contact: str
    email: str
    kecamatan: str
    desa: str
    category: str
    text: str
    photo: str | None = None
    department: str | None = None  # the officer's pick in the demo
    answer: str | None = None  # the department's answer, recorded by the officer


# (name, e-mail, contact): invented departments on a reserved domain.
DEMO_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("Dinas PUPR", "pupr@balangankab.example", "0526 2028 100"),
    ("Dinas Kesehatan", "dinkes@balangankab.example", "0526 2028 200"),
    ("Dinas Pendidikan", "disdik@balangankab.example", "0526 2028 300"),
)

DEMO_COMPLAINTS: tuple[DemoComplaint, ...] = (
    DemoComplaint(
        180,
        "Ahmad Fauzi",
        "0812 0000 1111",
        "fauzi.warga@example.com",
        "Juai",
        "Muara Ninian",
        "Infrastruktur",
        "Jalan usaha tani di RT 03 rusak dan berlumpur sejak musim hujan. Kendaraan pengangkut hasil panen tidak "
        "bisa lewat dan warga harus memikul gabah sejauh satu kilometer.",
        photo="jalan",
        department="Dinas PUPR",
        answer="Tim Dinas PUPR sudah meninjau lokasi. Pengerasan jalan dengan batu dijadwalkan pada minggu pertama "
        "bulan depan; sementara itu lubang terdalam ditimbun sirtu.",
    ),
    DemoComplaint(
        95,
        "Nurul Hidayah",
        "0813 0000 2222",
        "",
        "Paringin",
        "Lasung Batu",
        "Kesehatan",
        "Posyandu desa belum memiliki timbangan bayi yang berfungsi; kader meminjam dari desa tetangga setiap bulan.",
    ),
)
