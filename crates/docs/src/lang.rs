//! Every word a document prints goes through this table, so a certificate reads the same in
//! English, Serbian (Latin and Cyrillic), Bosnian, Croatian, Montenegrin (Latin), Albanian,
//! Macedonian and Romanian. Serbian Cyrillic is derived from the Latin column by the one-to-one
//! Serbian transliteration, so the two never drift apart.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The language a document is printed in; the caller (kiosk or CLI) selects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    English,
    SerbianLatin,
    SerbianCyrillic,
    Albanian,
    Macedonian,
    Romanian,
    Bosnian,
    Croatian,
    /// Montenegrin in Latin script, the script of its official use.
    Montenegrin,
}

impl Language {
    pub const ALL: [Language; 9] = [
        Language::English,
        Language::SerbianLatin,
        Language::SerbianCyrillic,
        Language::Bosnian,
        Language::Croatian,
        Language::Montenegrin,
        Language::Albanian,
        Language::Macedonian,
        Language::Romanian,
    ];

    /// BCP 47 tag, written into the PDF metadata.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::SerbianLatin => "sr-Latn",
            Language::SerbianCyrillic => "sr-Cyrl",
            Language::Albanian => "sq",
            Language::Macedonian => "mk",
            Language::Romanian => "ro",
            Language::Bosnian => "bs",
            Language::Croatian => "hr",
            Language::Montenegrin => "cnr",
        }
    }

    /// Print a label in this language.
    pub fn t(self, label: Label) -> String {
        let [en, sr, sq, mk, ro, bs, hr, cnr] = words(label);
        match self {
            Language::English => en.to_string(),
            Language::SerbianLatin => sr.to_string(),
            Language::SerbianCyrillic => serbian_to_cyrillic(sr),
            Language::Albanian => sq.to_string(),
            Language::Macedonian => mk.to_string(),
            Language::Romanian => ro.to_string(),
            Language::Bosnian => bs.to_string(),
            Language::Croatian => hr.to_string(),
            Language::Montenegrin => cnr.to_string(),
        }
    }

    /// Regional languages write dd.mm.yyyy; English uses ISO 8601 so it is unambiguous abroad.
    /// Croatian writes the year as an ordinal too, with its trailing dot (07.03.2025.), as
    /// Croatian orthography and official documents do; the kiosk shows dates the same way.
    pub fn date(self, date: NaiveDate) -> String {
        match self {
            Language::English => date.format("%Y-%m-%d").to_string(),
            Language::Croatian => date.format("%d.%m.%Y.").to_string(),
            _ => date.format("%d.%m.%Y").to_string(),
        }
    }

    /// A ledger time (UTC) shown in the site's local offset, with the offset printed.
    pub fn time(self, time: DateTime<Utc>, offset: FixedOffset) -> String {
        let local = time.with_timezone(&offset);
        let zone = if offset.local_minus_utc() == 0 {
            "UTC".to_string()
        } else {
            format!("UTC{}", local.format("%:z"))
        };
        format!(
            "{} {} {}",
            self.date(local.date_naive()),
            local.format("%H:%M"),
            zone
        )
    }
}

/// Every printed label. Data (names, serials, free text) is never translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    TitleCertificate,
    TitleManifest,
    TitleStocktake,
    TitleHistory,
    DocumentNo,
    Site,
    SiteId,
    Issued,
    Authority,
    DecisionReference,
    DestructionDates,
    Place,
    Method,
    Equipment,
    ScrapDisposal,
    ScrapWeight,
    ScrapDestination,
    Operator,
    ResponsibleOfficial,
    Witness,
    /// Stocktake signatories: who counted, who co-signed the close, who issued the report.
    CountedBy,
    CoSignedBy,
    IssuedBy,
    /// Ledger roles of people, and stocktake resolutions, as printed on documents.
    RoleOfficer,
    RoleCustodian,
    RoleInspector,
    RoleAdministrator,
    ResolutionFoundLater,
    ResolutionMoved,
    ResolutionReportedLost,
    ResolutionDataErrorCorrected,
    Alarm,
    Name,
    Role,
    Organisation,
    Signature,
    Date,
    Signatures,
    Checkpoint,
    Sequence,
    HeadHash,
    TotalItems,
    TotalsByType,
    Annex,
    ColNo,
    CustodyCode,
    Type,
    Make,
    Model,
    Calibre,
    Serial,
    Count,
    Photos,
    Page,
    Initials,
    SealHeading,
    SealHowTo,
    CertificateStatement,
    MethodCutting,
    MethodCrushing,
    MethodShredding,
    MethodSmelting,
    MethodDetonation,
    Sender,
    Receiver,
    LegalBasis,
    Transport,
    Containers,
    Container,
    SealNumbers,
    ItemList,
    Dispatch,
    Receipt,
    DispatchedAt,
    ReceivedAt,
    Discrepancies,
    Description,
    Resolution,
    NoDiscrepancies,
    NotYetReceived,
    Scope,
    Opened,
    Closed,
    Summary,
    Expected,
    Found,
    Missing,
    Misplaced,
    Unknown,
    Duplicates,
    ExpectedLocation,
    FoundLocation,
    ScannedCode,
    TimesScanned,
    NoneRecorded,
    Events,
    Time,
    EventKind,
    Actor,
    From,
    To,
    Notes,
    Status,
    Location,
    Continued,
    Total,
    TitleReleaseReceipt,
    TitleDispositionReport,
    CaseNumber,
    ExhibitNumber,
    Owner,
    IdDocument,
    IdNationalId,
    IdPassport,
    IdDrivingLicence,
    IdResidencePermit,
    Order,
    AuthorityCourt,
    AuthorityProsecutor,
    AuthorityCaseOfficer,
    OrderReference,
    ReleasedBy,
    ReceivedByOwner,
    ReleasedAt,
    AmendedNote,
    AmendedItems,
    ReleaseStatement,
    Period,
    Category,
    Intake,
    Disposed,
    Ratio,
    /// The registry's national report.
    TitleNationalReport,
    Registry,
    Year,
    Country,
    DestroyedByCountry,
    DestroyedBySite,
    NationalStatement,
}

/// [English, Serbian Latin, Albanian, Macedonian, Romanian, Bosnian, Croatian, Montenegrin].
fn words(label: Label) -> [&'static str; 8] {
    use Label::*;
    match label {
        TitleCertificate => [
            "Weapons destruction certificate",
            "Potvrda o uništenju oružja",
            "Certifikatë asgjësimi e armëve",
            "Потврда за уништување на оружје",
            "Certificat de distrugere a armelor",
            "Potvrda o uništenju oružja",
            "Potvrda o uništenju oružja",
            "Potvrda o uništenju oružja",
        ],
        TitleManifest => [
            "Handover manifest",
            "Zapisnik o primopredaji",
            "Procesverbal i dorëzim-pranimit",
            "Записник за примопредавање",
            "Proces-verbal de predare-primire",
            "Zapisnik o primopredaji",
            "Zapisnik o primopredaji",
            "Zapisnik o primopredaji",
        ],
        TitleStocktake => [
            "Stocktake report",
            "Izveštaj o popisu",
            "Raport i inventarizimit",
            "Извештај од попис",
            "Raport de inventariere",
            "Izvještaj o popisu",
            "Izvješće o inventuri",
            "Izvještaj o popisu",
        ],
        TitleHistory => [
            "Item custody history",
            "Istorijat čuvanja predmeta",
            "Historiku i ruajtjes së sendit",
            "Историја на чување на предметот",
            "Istoricul custodiei obiectului",
            "Historija čuvanja predmeta",
            "Povijest čuvanja predmeta",
            "Istorijat čuvanja predmeta",
        ],
        DocumentNo => [
            "No.",
            "Broj",
            "Nr.",
            "Број",
            "Nr.",
            "Broj",
            "Broj",
            "Broj",
        ],
        Site => [
            "Site",
            "Objekat",
            "Objekti",
            "Објект",
            "Unitatea",
            "Objekat",
            "Objekt",
            "Objekat",
        ],
        SiteId => [
            "Site ID",
            "Šifra objekta",
            "Kodi i objektit",
            "Шифра на објектот",
            "Codul unității",
            "Šifra objekta",
            "Oznaka objekta",
            "Šifra objekta",
        ],
        Issued => [
            "Issued",
            "Izdato",
            "Lëshuar",
            "Издадено",
            "Emis",
            "Izdato",
            "Izdano",
            "Izdato",
        ],
        Authority => [
            "Authority",
            "Nadležni organ",
            "Autoriteti",
            "Надлежен орган",
            "Autoritatea competentă",
            "Nadležni organ",
            "Nadležno tijelo",
            "Nadležni organ",
        ],
        DecisionReference => [
            "Decision reference",
            "Broj odluke",
            "Referenca e vendimit",
            "Број на одлуката",
            "Numărul deciziei",
            "Broj rješenja",
            "Broj odluke",
            "Broj rješenja",
        ],
        DestructionDates => [
            "Date(s) of destruction",
            "Datum uništenja",
            "Data e asgjësimit",
            "Датум на уништување",
            "Data (datele) distrugerii",
            "Datum uništenja",
            "Datum uništenja",
            "Datum uništenja",
        ],
        Place => [
            "Place",
            "Mesto",
            "Vendi",
            "Место",
            "Locul",
            "Mjesto",
            "Mjesto",
            "Mjesto",
        ],
        Method => [
            "Method",
            "Metoda",
            "Metoda",
            "Метод",
            "Metoda",
            "Metoda",
            "Metoda",
            "Metoda",
        ],
        Equipment => [
            "Equipment",
            "Oprema",
            "Pajisjet",
            "Опрема",
            "Echipament",
            "Oprema",
            "Oprema",
            "Oprema",
        ],
        ScrapDisposal => [
            "Scrap disposal",
            "Zbrinjavanje otpadnog metala",
            "Trajtimi i skrapit metalik",
            "Отстранување на отпадниот метал",
            "Eliminarea deșeurilor metalice",
            "Zbrinjavanje otpadnog metala",
            "Zbrinjavanje otpadnog metala",
            "Zbrinjavanje otpadnog metala",
        ],
        ScrapWeight => [
            "weight",
            "masa",
            "pesha",
            "маса",
            "masa",
            "težina",
            "masa",
            "masa",
        ],
        ScrapDestination => [
            "delivered to",
            "predato",
            "dorëzuar te",
            "предадено на",
            "predate la",
            "predato",
            "predano",
            "predato",
        ],
        Operator => [
            "Operator",
            "Operater",
            "Operatori",
            "Оператор",
            "Operator",
            "Operater",
            "Izvršitelj",
            "Operater",
        ],
        ResponsibleOfficial => [
            "Responsible official",
            "Odgovorno lice",
            "Zyrtari përgjegjës",
            "Одговорно лице",
            "Persoana responsabilă",
            "Odgovorno lice",
            "Odgovorna osoba",
            "Odgovorno lice",
        ],
        Witness => [
            "Witness",
            "Svedok",
            "Dëshmitar",
            "Сведок",
            "Martor",
            "Svjedok",
            "Svjedok",
            "Svjedok",
        ],
        CountedBy => [
            "Counted by",
            "Popisivač",
            "Numëruesi",
            "Пописувач",
            "Inventariat de",
            "Popisivač",
            "Popisivač",
            "Popisivač",
        ],
        CoSignedBy => [
            "Co-signed by",
            "Supotpisnik",
            "Bashkënënshkruesi",
            "Сопотписник",
            "Cosemnat de",
            "Supotpisnik",
            "Supotpisnik",
            "Supotpisnik",
        ],
        IssuedBy => [
            "Issued by",
            "Izdavalac",
            "Lëshuesi",
            "Издавач",
            "Emis de",
            "Izdavalac",
            "Izdavatelj",
            "Izdavalac",
        ],
        RoleOfficer => [
            "officer",
            "službenik",
            "zyrtar",
            "службеник",
            "ofițer",
            "službenik",
            "službenik",
            "službenik",
        ],
        RoleCustodian => [
            "evidence custodian",
            "čuvar dokaza",
            "kujdestar i provave",
            "чувар на докази",
            "gestionar corpuri delicte",
            "čuvar dokaza",
            "čuvar dokaza",
            "čuvar dokaza",
        ],
        RoleInspector => [
            "inspector",
            "inspektor",
            "inspektor",
            "инспектор",
            "inspector",
            "inspektor",
            "inspektor",
            "inspektor",
        ],
        RoleAdministrator => [
            "administrator",
            "administrator",
            "administrator",
            "администратор",
            "administrator",
            "administrator",
            "administrator",
            "administrator",
        ],
        ResolutionFoundLater => [
            "found later",
            "naknadno pronađeno",
            "u gjet më vonë",
            "подоцна пронајдено",
            "găsit ulterior",
            "naknadno pronađeno",
            "naknadno pronađeno",
            "naknadno pronađeno",
        ],
        ResolutionMoved => [
            "moved",
            "premešteno",
            "u zhvendos",
            "преместено",
            "mutat",
            "premješteno",
            "premješteno",
            "premješteno",
        ],
        ResolutionReportedLost => [
            "reported lost",
            "prijavljen gubitak",
            "raportuar si i humbur",
            "пријавено како изгубено",
            "declarat pierdut",
            "prijavljen gubitak",
            "prijavljen gubitak",
            "prijavljen gubitak",
        ],
        ResolutionDataErrorCorrected => [
            "data error corrected",
            "ispravljena greška u podacima",
            "gabim në të dhëna i korrigjuar",
            "исправена грешка во податоците",
            "eroare de date corectată",
            "ispravljena greška u podacima",
            "ispravljena pogreška u podacima",
            "ispravljena greška u podacima",
        ],
        Alarm => [
            "ALARM: destroyed or transferred item",
            "ALARM: uništeno ili predato sredstvo",
            "ALARM: send e shkatërruar ose e dorëzuar",
            "АЛАРМ: уништено или предадено средство",
            "ALARMĂ: obiect distrus sau transferat",
            "ALARM: uništeno ili predato sredstvo",
            "ALARM: uništeno ili predano sredstvo",
            "ALARM: uništeno ili predato sredstvo",
        ],
        Name => [
            "Name",
            "Ime i prezime",
            "Emri e mbiemri",
            "Име и презиме",
            "Numele și prenumele",
            "Ime i prezime",
            "Ime i prezime",
            "Ime i prezime",
        ],
        Role => [
            "Role",
            "Funkcija",
            "Funksioni",
            "Функција",
            "Funcția",
            "Funkcija",
            "Funkcija",
            "Funkcija",
        ],
        Organisation => [
            "Organisation",
            "Organizacija",
            "Organizata",
            "Организација",
            "Instituția",
            "Institucija",
            "Ustanova",
            "Organizacija",
        ],
        Signature => [
            "Signature",
            "Potpis",
            "Nënshkrimi",
            "Потпис",
            "Semnătura",
            "Potpis",
            "Potpis",
            "Potpis",
        ],
        Date => [
            "Date",
            "Datum",
            "Data",
            "Датум",
            "Data",
            "Datum",
            "Datum",
            "Datum",
        ],
        Signatures => [
            "Signatures",
            "Potpisi",
            "Nënshkrimet",
            "Потписи",
            "Semnături",
            "Potpisi",
            "Potpisi",
            "Potpisi",
        ],
        Checkpoint => [
            "Ledger checkpoint",
            "Kontrolna tačka evidencije",
            "Pika e kontrollit të regjistrit",
            "Контролна точка на евиденцијата",
            "Punct de control al registrului",
            "Kontrolna tačka evidencije",
            "Kontrolna točka evidencije",
            "Kontrolna tačka evidencije",
        ],
        Sequence => [
            "sequence",
            "redni broj",
            "numri rendor",
            "реден број",
            "număr de ordine",
            "redni broj",
            "redni broj",
            "redni broj",
        ],
        HeadHash => [
            "head hash",
            "heš vrednost",
            "vlera hash",
            "хаш вредност",
            "valoare hash",
            "hash vrijednost",
            "hash vrijednost",
            "hash vrijednost",
        ],
        TotalItems => [
            "Total items",
            "Ukupan broj komada",
            "Numri i përgjithshëm i copëve",
            "Вкупен број парчиња",
            "Total bucăți",
            "Ukupan broj komada",
            "Ukupan broj komada",
            "Ukupan broj komada",
        ],
        TotalsByType => [
            "Totals by type",
            "Ukupno po vrsti",
            "Gjithsej sipas llojit",
            "Вкупно по вид",
            "Totaluri pe tipuri",
            "Ukupno po vrsti",
            "Ukupno po vrsti",
            "Ukupno po vrsti",
        ],
        Annex => [
            "Annex – serial list",
            "Prilog – spisak serijskih brojeva",
            "Shtojcë – lista e numrave serikë",
            "Прилог – список на сериски броеви",
            "Anexă – lista numerelor de serie",
            "Prilog – spisak serijskih brojeva",
            "Prilog – popis tvorničkih brojeva",
            "Prilog – spisak serijskih brojeva",
        ],
        ColNo => [
            "No.",
            "R. br.",
            "Nr.",
            "Р. бр.",
            "Nr. crt.",
            "R. br.",
            "R. br.",
            "R. br.",
        ],
        CustodyCode => [
            "Custody code",
            "Evidencijski kod",
            "Kodi i evidencës",
            "Евиденциски код",
            "Cod de evidență",
            "Evidencijski kod",
            "Evidencijski kod",
            "Evidencijski kod",
        ],
        Type => [
            "Type",
            "Vrsta",
            "Lloji",
            "Вид",
            "Tip",
            "Vrsta",
            "Vrsta",
            "Vrsta",
        ],
        Make => [
            "Make",
            "Proizvođač",
            "Prodhuesi",
            "Производител",
            "Producător",
            "Proizvođač",
            "Proizvođač",
            "Proizvođač",
        ],
        Model => [
            "Model",
            "Model",
            "Modeli",
            "Модел",
            "Model",
            "Model",
            "Model",
            "Model",
        ],
        Calibre => [
            "Calibre",
            "Kalibar",
            "Kalibri",
            "Калибар",
            "Calibru",
            "Kalibar",
            "Kalibar",
            "Kalibar",
        ],
        Serial => [
            "Serial number",
            "Serijski broj",
            "Numri serik",
            "Сериски број",
            "Număr de serie",
            "Serijski broj",
            "Tvornički broj",
            "Serijski broj",
        ],
        Count => [
            "Count",
            "Broj",
            "Numri",
            "Број",
            "Număr",
            "Broj",
            "Broj",
            "Broj",
        ],
        Photos => [
            "Photo references (SHA-256)",
            "Fotografije (SHA-256)",
            "Fotografitë (SHA-256)",
            "Фотографии (SHA-256)",
            "Fotografii (SHA-256)",
            "Fotografije (SHA-256)",
            "Fotografije (SHA-256)",
            "Fotografije (SHA-256)",
        ],
        Page => [
            "Page",
            "Strana",
            "Faqja",
            "Страница",
            "Pagina",
            "Strana",
            "Stranica",
            "Strana",
        ],
        Initials => [
            "Initials",
            "Paraf",
            "Inicialet",
            "Парафа",
            "Inițiale",
            "Paraf",
            "Paraf",
            "Paraf",
        ],
        SealHeading => [
            "Electronic seal",
            "Elektronski pečat",
            "Vula elektronike",
            "Електронски печат",
            "Sigiliu electronic",
            "Elektronski pečat",
            "Elektronički pečat",
            "Elektronski pečat",
        ],
        SealHowTo => [
            "Scan the QR code or type the text below into Custody (verify-document) to check this document against the signed ledger of the site.",
            "Skenirajte QR kod ili unesite tekst ispod u Custody (verify-document) da biste proverili ovaj dokument prema potpisanoj evidenciji objekta.",
            "Skanoni kodin QR ose futni tekstin më poshtë në Custody (verify-document) për të verifikuar këtë dokument kundrejt regjistrit të nënshkruar të objektit.",
            "Скенирајте го QR-кодот или внесете го текстот подолу во Custody (verify-document) за да го проверите овој документ според потпишаната евиденција на објектот.",
            "Scanați codul QR sau introduceți textul de mai jos în Custody (verify-document) pentru a verifica acest document cu registrul semnat al unității.",
            "Skenirajte QR kod ili unesite tekst ispod u Custody (verify-document) da biste provjerili ovaj dokument prema potpisanoj evidenciji objekta.",
            "Skenirajte QR kod ili unesite tekst u nastavku u Custody (verify-document) kako biste provjerili ovaj dokument prema potpisanoj evidenciji objekta.",
            "Skenirajte QR kod ili unesite tekst ispod u Custody (verify-document) da biste provjerili ovaj dokument prema potpisanoj evidenciji objekta.",
        ],
        CertificateStatement => [
            "The undersigned certify that the weapons listed in the annex were destroyed in their presence by the method stated above and can no longer be used or restored.",
            "Potpisani potvrđuju da je oružje navedeno u prilogu uništeno u njihovom prisustvu navedenom metodom i da se više ne može upotrebiti niti osposobiti.",
            "Të nënshkruarit vërtetojnë se armët e renditura në shtojcë u asgjësuan në praninë e tyre me metodën e mësipërme dhe nuk mund të përdoren apo të riaftësohen më.",
            "Потпишаните потврдуваат дека оружјето наведено во прилогот е уништено во нивно присуство со наведениот метод и дека повеќе не може да се употреби ниту да се оспособи.",
            "Subsemnații certifică faptul că armele enumerate în anexă au fost distruse în prezența lor prin metoda menționată mai sus și nu mai pot fi folosite sau readuse în stare de funcționare.",
            "Potpisani potvrđuju da je oružje navedeno u prilogu uništeno u njihovom prisustvu navedenom metodom i da se više ne može upotrijebiti niti osposobiti.",
            "Potpisani potvrđuju da je oružje navedeno u prilogu uništeno u njihovoj nazočnosti gore navedenom metodom te da se više ne može uporabiti niti osposobiti.",
            "Potpisani potvrđuju da je oružje navedeno u prilogu uništeno u njihovom prisustvu navedenom metodom i da se više ne može upotrijebiti niti osposobiti.",
        ],
        MethodCutting => [
            "Cutting",
            "Sečenje",
            "Prerje",
            "Сечење",
            "Tăiere",
            "Sječenje",
            "Rezanje",
            "Sječenje",
        ],
        MethodCrushing => [
            "Crushing",
            "Drobljenje",
            "Shtypje",
            "Дробење",
            "Strivire",
            "Drobljenje",
            "Drobljenje",
            "Drobljenje",
        ],
        MethodShredding => [
            "Shredding",
            "Usitnjavanje",
            "Copëtim",
            "Уситнување",
            "Mărunțire",
            "Usitnjavanje",
            "Usitnjavanje",
            "Usitnjavanje",
        ],
        MethodSmelting => [
            "Smelting",
            "Topljenje",
            "Shkrirje",
            "Топење",
            "Topire",
            "Topljenje",
            "Taljenje",
            "Topljenje",
        ],
        MethodDetonation => [
            "Detonation",
            "Detonacija",
            "Detonim",
            "Детонација",
            "Detonare",
            "Detonacija",
            "Detonacija",
            "Detonacija",
        ],
        Sender => [
            "Sender",
            "Predavalac",
            "Dorëzuesi",
            "Предавач",
            "Predător",
            "Predavalac",
            "Predavatelj",
            "Predavalac",
        ],
        Receiver => [
            "Receiver",
            "Primalac",
            "Marrësi",
            "Примач",
            "Primitor",
            "Primalac",
            "Primatelj",
            "Primalac",
        ],
        LegalBasis => [
            "Legal basis",
            "Pravni osnov",
            "Baza ligjore",
            "Правна основа",
            "Temei legal",
            "Pravni osnov",
            "Pravna osnova",
            "Pravni osnov",
        ],
        Transport => [
            "Transport",
            "Prevoz",
            "Transporti",
            "Превоз",
            "Transport",
            "Prevoz",
            "Prijevoz",
            "Prevoz",
        ],
        Containers => [
            "Containers and seals",
            "Kontejneri i plombe",
            "Kontejnerët dhe plombat",
            "Контејнери и пломби",
            "Containere și sigilii",
            "Kontejneri i plombe",
            "Spremnici i plombe",
            "Kontejneri i plombe",
        ],
        Container => [
            "Container",
            "Kontejner",
            "Kontejneri",
            "Контејнер",
            "Container",
            "Kontejner",
            "Spremnik",
            "Kontejner",
        ],
        SealNumbers => [
            "Seal numbers",
            "Brojevi plombi",
            "Numrat e plombave",
            "Броеви на пломби",
            "Numerele sigiliilor",
            "Brojevi plombi",
            "Brojevi plombi",
            "Brojevi plombi",
        ],
        ItemList => [
            "Item list",
            "Spisak predmeta",
            "Lista e sendeve",
            "Список на предмети",
            "Lista obiectelor",
            "Spisak predmeta",
            "Popis predmeta",
            "Spisak predmeta",
        ],
        Dispatch => [
            "Dispatch",
            "Otprema",
            "Dërgimi",
            "Испраќање",
            "Expediere",
            "Otprema",
            "Otprema",
            "Otprema",
        ],
        Receipt => [
            "Receipt",
            "Prijem",
            "Pranimi",
            "Прием",
            "Primire",
            "Prijem",
            "Primitak",
            "Prijem",
        ],
        DispatchedAt => [
            "Dispatched at",
            "Vreme otpreme",
            "Koha e dërgimit",
            "Време на испраќање",
            "Data și ora expedierii",
            "Vrijeme otpreme",
            "Vrijeme otpreme",
            "Vrijeme otpreme",
        ],
        ReceivedAt => [
            "Received at",
            "Vreme prijema",
            "Koha e pranimit",
            "Време на прием",
            "Data și ora primirii",
            "Vrijeme prijema",
            "Vrijeme primitka",
            "Vrijeme prijema",
        ],
        Discrepancies => [
            "Discrepancies",
            "Neslaganja",
            "Mospërputhjet",
            "Несовпаѓања",
            "Neconcordanțe",
            "Odstupanja",
            "Odstupanja",
            "Neslaganja",
        ],
        Description => [
            "Description",
            "Opis",
            "Përshkrimi",
            "Опис",
            "Descriere",
            "Opis",
            "Opis",
            "Opis",
        ],
        Resolution => [
            "Resolution",
            "Rešenje",
            "Zgjidhja",
            "Решение",
            "Soluționare",
            "Rješenje",
            "Rješenje",
            "Rješenje",
        ],
        NoDiscrepancies => [
            "No discrepancies recorded.",
            "Nisu evidentirana neslaganja.",
            "Nuk janë regjistruar mospërputhje.",
            "Не се евидентирани несовпаѓања.",
            "Nu s-au consemnat neconcordanțe.",
            "Nisu evidentirana odstupanja.",
            "Nisu evidentirana odstupanja.",
            "Nisu evidentirana neslaganja.",
        ],
        NotYetReceived => [
            "not yet received",
            "još nije primljeno",
            "ende e pa pranuar",
            "сѐ уште не е примено",
            "încă neprimit",
            "još nije primljeno",
            "još nije primljeno",
            "još nije primljeno",
        ],
        Scope => [
            "Scope (locations)",
            "Obuhvat (lokacije)",
            "Përfshirja (vendndodhjet)",
            "Опфат (локации)",
            "Locații inventariate",
            "Obuhvat (lokacije)",
            "Obuhvat (lokacije)",
            "Obuhvat (lokacije)",
        ],
        Opened => [
            "Opened",
            "Otvoren",
            "Hapur",
            "Отворен",
            "Deschisă",
            "Otvoren",
            "Otvorena",
            "Otvoren",
        ],
        Closed => [
            "Closed",
            "Zatvoren",
            "Mbyllur",
            "Затворен",
            "Închisă",
            "Zatvoren",
            "Zatvorena",
            "Zatvoren",
        ],
        Summary => [
            "Summary",
            "Rezime",
            "Përmbledhje",
            "Резиме",
            "Rezumat",
            "Rezime",
            "Sažetak",
            "Rezime",
        ],
        Expected => [
            "Expected",
            "Očekivano",
            "Të pritura",
            "Очекувано",
            "Așteptate",
            "Očekivano",
            "Očekivano",
            "Očekivano",
        ],
        Found => [
            "Found",
            "Pronađeno",
            "Të gjetura",
            "Пронајдено",
            "Găsite",
            "Pronađeno",
            "Pronađeno",
            "Pronađeno",
        ],
        Missing => [
            "Missing",
            "Nedostaje",
            "Mungojnë",
            "Недостасува",
            "Lipsă",
            "Nedostaje",
            "Nedostaje",
            "Nedostaje",
        ],
        Misplaced => [
            "Misplaced",
            "Na pogrešnom mestu",
            "Në vend të gabuar",
            "На погрешно место",
            "În loc greșit",
            "Na pogrešnom mjestu",
            "Na pogrešnom mjestu",
            "Na pogrešnom mjestu",
        ],
        Unknown => [
            "Unknown codes",
            "Nepoznati kodovi",
            "Kode të panjohura",
            "Непознати кодови",
            "Coduri necunoscute",
            "Nepoznati kodovi",
            "Nepoznati kodovi",
            "Nepoznati kodovi",
        ],
        Duplicates => [
            "Duplicate scans",
            "Dvostruka skeniranja",
            "Skanime të dyfishta",
            "Двојни скенирања",
            "Scanări duble",
            "Dvostruka skeniranja",
            "Dvostruka skeniranja",
            "Dvostruka skeniranja",
        ],
        ExpectedLocation => [
            "Expected location",
            "Očekivana lokacija",
            "Vendndodhja e pritur",
            "Очекувана локација",
            "Locația așteptată",
            "Očekivana lokacija",
            "Očekivana lokacija",
            "Očekivana lokacija",
        ],
        FoundLocation => [
            "Found at",
            "Pronađeno na",
            "Gjetur në",
            "Пронајдено на",
            "Găsit la",
            "Pronađeno na",
            "Pronađeno na",
            "Pronađeno na",
        ],
        ScannedCode => [
            "Scanned code",
            "Skenirani kod",
            "Kodi i skanuar",
            "Скениран код",
            "Cod scanat",
            "Skenirani kod",
            "Skenirani kod",
            "Skenirani kod",
        ],
        TimesScanned => [
            "Times scanned",
            "Broj skeniranja",
            "Herë të skanuara",
            "Број на скенирања",
            "Nr. scanări",
            "Broj skeniranja",
            "Broj skeniranja",
            "Broj skeniranja",
        ],
        NoneRecorded => [
            "none",
            "nema",
            "asnjë",
            "нема",
            "niciuna",
            "nema",
            "nema",
            "nema",
        ],
        Events => [
            "Events",
            "Događaji",
            "Ngjarjet",
            "Настани",
            "Evenimente",
            "Događaji",
            "Događaji",
            "Događaji",
        ],
        Time => [
            "Time",
            "Vreme",
            "Koha",
            "Време",
            "Data și ora",
            "Vrijeme",
            "Vrijeme",
            "Vrijeme",
        ],
        EventKind => [
            "Event",
            "Događaj",
            "Ngjarja",
            "Настан",
            "Eveniment",
            "Događaj",
            "Događaj",
            "Događaj",
        ],
        Actor => [
            "Actor",
            "Izvršilac",
            "Kryerësi",
            "Извршител",
            "Executant",
            "Izvršilac",
            "Izvršitelj",
            "Izvršilac",
        ],
        From => [
            "From",
            "Od",
            "Nga",
            "Од",
            "De la",
            "Od",
            "Od",
            "Od",
        ],
        To => [
            "To",
            "Ka",
            "Te",
            "Кон",
            "Către",
            "Prema",
            "Prema",
            "Ka",
        ],
        Notes => [
            "Purpose / notes",
            "Svrha / napomena",
            "Qëllimi / shënime",
            "Цел / забелешка",
            "Scop / observații",
            "Svrha / napomena",
            "Svrha / napomena",
            "Svrha / napomena",
        ],
        Status => [
            "Status",
            "Status",
            "Statusi",
            "Статус",
            "Stare",
            "Status",
            "Stanje",
            "Status",
        ],
        Location => [
            "Location",
            "Lokacija",
            "Vendndodhja",
            "Локација",
            "Locație",
            "Lokacija",
            "Lokacija",
            "Lokacija",
        ],
        Continued => [
            "(continued)",
            "(nastavak)",
            "(vazhdim)",
            "(продолжение)",
            "(continuare)",
            "(nastavak)",
            "(nastavak)",
            "(nastavak)",
        ],
        Total => [
            "Total",
            "Ukupno",
            "Gjithsej",
            "Вкупно",
            "Total",
            "Ukupno",
            "Ukupno",
            "Ukupno",
        ],
        TitleReleaseReceipt => [
            "Receipt for an exhibit released to its owner",
            "Potvrda o vraćanju predmeta vlasniku",
            "Dëftesë për kthimin e sendit pronarit",
            "Потврда за враќање на предметот на сопственикот",
            "Dovadă de restituire a bunului către proprietar",
            "Potvrda o vraćanju predmeta vlasniku",
            "Potvrda o vraćanju predmeta vlasniku",
            "Potvrda o vraćanju predmeta vlasniku",
        ],
        TitleDispositionReport => [
            "Disposition report",
            "Izveštaj o raspolaganju predmetima",
            "Raport i disponimit të sendeve",
            "Извештај за располагање со предметите",
            "Raport privind soluționarea bunurilor",
            "Izvještaj o raspolaganju predmetima",
            "Izvješće o raspolaganju predmetima",
            "Izvještaj o raspolaganju predmetima",
        ],
        CaseNumber => [
            "Case number",
            "Broj slučaja",
            "Numri i çështjes",
            "Број на случај",
            "Număr dosar",
            "Broj slučaja",
            "Broj slučaja",
            "Broj slučaja",
        ],
        ExhibitNumber => [
            "Exhibit number",
            "Broj dokaza",
            "Numri i provës materiale",
            "Број на доказ",
            "Număr corp delict",
            "Broj dokaza",
            "Broj dokaza",
            "Broj dokaza",
        ],
        Owner => [
            "Owner",
            "Vlasnik",
            "Pronari",
            "Сопственик",
            "Proprietar",
            "Vlasnik",
            "Vlasnik",
            "Vlasnik",
        ],
        IdDocument => [
            "Identity document",
            "Lični dokument",
            "Dokumenti i identifikimit",
            "Лична исправа",
            "Act de identitate",
            "Lični dokument",
            "Osobna isprava",
            "Lični dokument",
        ],
        IdNationalId => [
            "national identity card",
            "lična karta",
            "letërnjoftim",
            "лична карта",
            "carte de identitate",
            "lična karta",
            "osobna iskaznica",
            "lična karta",
        ],
        IdPassport => [
            "passport",
            "pasoš",
            "pasaportë",
            "пасош",
            "pașaport",
            "pasoš",
            "putovnica",
            "pasoš",
        ],
        IdDrivingLicence => [
            "driving licence",
            "vozačka dozvola",
            "patentë shoferi",
            "возачка дозвола",
            "permis de conducere",
            "vozačka dozvola",
            "vozačka dozvola",
            "vozačka dozvola",
        ],
        IdResidencePermit => [
            "residence permit",
            "dozvola boravka",
            "leje qëndrimi",
            "дозвола за престој",
            "permis de ședere",
            "dozvola boravka",
            "dozvola boravka",
            "dozvola boravka",
        ],
        Order => [
            "Order",
            "Nalog",
            "Urdhri",
            "Наредба",
            "Ordin",
            "Nalog",
            "Nalog",
            "Nalog",
        ],
        AuthorityCourt => [
            "court",
            "sud",
            "gjykata",
            "суд",
            "instanța",
            "sud",
            "sud",
            "sud",
        ],
        AuthorityProsecutor => [
            "prosecutor",
            "tužilac",
            "prokurori",
            "обвинител",
            "procurorul",
            "tužilac",
            "državni odvjetnik",
            "tužilac",
        ],
        AuthorityCaseOfficer => [
            "case officer",
            "službenik zadužen za slučaj",
            "zyrtari i çështjes",
            "службеник задолжен за случајот",
            "ofițerul de caz",
            "službenik zadužen za slučaj",
            "službenik zadužen za slučaj",
            "službenik zadužen za slučaj",
        ],
        OrderReference => [
            "Order reference",
            "Broj naloga",
            "Numri i urdhrit",
            "Број на наредбата",
            "Numărul ordinului",
            "Broj naloga",
            "Broj naloga",
            "Broj naloga",
        ],
        ReleasedBy => [
            "Handed over by",
            "Predao",
            "Dorëzoi",
            "Предал",
            "Predat de",
            "Predao",
            "Predao",
            "Predao",
        ],
        ReceivedByOwner => [
            "Received by (owner)",
            "Primio (vlasnik)",
            "Mori në dorëzim (pronari)",
            "Примил (сопственик)",
            "Primit de (proprietar)",
            "Primio (vlasnik)",
            "Primio (vlasnik)",
            "Primio (vlasnik)",
        ],
        ReleasedAt => [
            "Released at",
            "Vraćeno",
            "Kthyer më",
            "Вратено на",
            "Restituit la",
            "Vraćeno",
            "Vraćeno",
            "Vraćeno",
        ],
        AmendedNote => [
            "This record was amended after intake: the values printed are the current ones, and the item's history lists every amendment.",
            "Ovaj zapis je ispravljen posle prijema: odštampane su važeće vrednosti, a istorijat predmeta navodi svaku ispravku.",
            "Ky regjistrim është korrigjuar pas pranimit: vlerat e shtypura janë ato aktuale dhe historiku i sendit liston çdo korrigjim.",
            "Овој запис е исправен по приемот: отпечатени се важечките вредности, а историјата на предметот ја наведува секоја исправка.",
            "Această înregistrare a fost rectificată după primire: valorile tipărite sunt cele actuale, iar istoricul obiectului arată fiecare rectificare.",
            "Ovaj zapis je ispravljen nakon prijema: odštampane su važeće vrijednosti, a historija predmeta navodi svaku ispravku.",
            "Ovaj je zapis ispravljen nakon primitka: ispisane su važeće vrijednosti, a povijest predmeta navodi svaki ispravak.",
            "Ovaj zapis je ispravljen nakon prijema: odštampane su važeće vrijednosti, a istorijat predmeta navodi svaku ispravku.",
        ],
        AmendedItems => [
            "Records amended after intake (the values printed are the current ones; each item's history lists every amendment):",
            "Zapisi ispravljeni posle prijema (odštampane su važeće vrednosti; istorijat svakog predmeta navodi svaku ispravku):",
            "Regjistrime të korrigjuara pas pranimit (vlerat e shtypura janë ato aktuale; historiku i çdo sendi liston çdo korrigjim):",
            "Записи исправени по приемот (отпечатени се важечките вредности; историјата на секој предмет ја наведува секоја исправка):",
            "Înregistrări rectificate după primire (valorile tipărite sunt cele actuale; istoricul fiecărui obiect arată fiecare rectificare):",
            "Zapisi ispravljeni nakon prijema (odštampane su važeće vrijednosti; historija svakog predmeta navodi svaku ispravku):",
            "Zapisi ispravljeni nakon primitka (ispisane su važeće vrijednosti; povijest svakog predmeta navodi svaki ispravak):",
            "Zapisi ispravljeni nakon prijema (odštampane su važeće vrijednosti; istorijat svakog predmeta navodi svaku ispravku):",
        ],
        ReleaseStatement => [
            "The owner named above received the item described above on the order named, and proved their identity with the document named.",
            "Navedeni vlasnik je primio gore opisani predmet na osnovu navedenog naloga i dokazao identitet navedenim dokumentom.",
            "Pronari i përmendur mori sendin e përshkruar më sipër në bazë të urdhrit të përmendur dhe vërtetoi identitetin me dokumentin e përmendur.",
            "Наведениот сопственик го прими предметот опишан погоре врз основа на наведената наредба и го докажа идентитетот со наведената исправа.",
            "Proprietarul menționat a primit bunul descris mai sus în baza ordinului menționat și și-a dovedit identitatea cu actul menționat.",
            "Navedeni vlasnik je primio gore opisani predmet na osnovu navedenog naloga i dokazao identitet navedenim dokumentom.",
            "Navedeni vlasnik primio je gore opisani predmet na temelju navedenog naloga i dokazao identitet navedenom ispravom.",
            "Navedeni vlasnik je primio gore opisani predmet na osnovu navedenog naloga i dokazao identitet navedenim dokumentom.",
        ],
        Period => [
            "Period",
            "Period",
            "Periudha",
            "Период",
            "Perioada",
            "Period",
            "Razdoblje",
            "Period",
        ],
        Category => [
            "Category",
            "Kategorija",
            "Kategoria",
            "Категорија",
            "Categorie",
            "Kategorija",
            "Kategorija",
            "Kategorija",
        ],
        Intake => [
            "Intake",
            "Primljeno",
            "Pranuar",
            "Примено",
            "Primite",
            "Primljeno",
            "Primljeno",
            "Primljeno",
        ],
        Disposed => [
            "Disposed of (total)",
            "Ukupno razduženo",
            "Gjithsej të nxjerra",
            "Вкупно раздолжено",
            "Total ieșite",
            "Ukupno razduženo",
            "Ukupno razduženo",
            "Ukupno razduženo",
        ],
        Ratio => [
            "Disposed / intake",
            "Razduženo / primljeno",
            "Të nxjerra / pranuar",
            "Раздолжено / примено",
            "Ieșite / primite",
            "Razduženo / primljeno",
            "Razduženo / primljeno",
            "Razduženo / primljeno",
        ],
        TitleNationalReport => [
            "National report on destroyed weapons",
            "Nacionalni izveštaj o uništenom oružju",
            "Raport kombëtar për armët e asgjësuara",
            "Национален извештај за уништено оружје",
            "Raport național privind armele distruse",
            "Državni izvještaj o uništenom oružju",
            "Nacionalno izvješće o uništenom oružju",
            "Nacionalni izvještaj o uništenom oružju",
        ],
        Registry => [
            "Registry",
            "Registar",
            "Regjistri",
            "Регистар",
            "Registrul",
            "Registar",
            "Registar",
            "Registar",
        ],
        Year => [
            "Year", "Godina", "Viti", "Година", "Anul", "Godina", "Godina", "Godina",
        ],
        Country => [
            "Country of manufacture",
            "Zemlja proizvodnje",
            "Vendi i prodhimit",
            "Земја на производство",
            "Țara de fabricație",
            "Zemlja proizvodnje",
            "Zemlja proizvodnje",
            "Zemlja proizvodnje",
        ],
        DestroyedByCountry => [
            "Destroyed by country of manufacture and type",
            "Uništeno po zemlji proizvodnje i vrsti",
            "Të asgjësuara sipas vendit të prodhimit dhe llojit",
            "Уништено по земја на производство и вид",
            "Distruse după țara de fabricație și tip",
            "Uništeno po zemlji proizvodnje i vrsti",
            "Uništeno po zemlji proizvodnje i vrsti",
            "Uništeno po zemlji proizvodnje i vrsti",
        ],
        DestroyedBySite => [
            "Destroyed by site",
            "Uništeno po objektu",
            "Të asgjësuara sipas objektit",
            "Уништено по објект",
            "Distruse pe unități",
            "Uništeno po objektu",
            "Uništeno po objektu",
            "Uništeno po objektu",
        ],
        NationalStatement => [
            "Figures of the national registry: every item whose destruction the sites recorded in this year, as they pushed it and the registry checked it. The sealed list attached to this file names each item.",
            "Podaci nacionalnog registra: svaki predmet čije su uništenje objekti evidentirali u ovoj godini, kako su ga dostavili i kako ga je registar proverio. Zapečaćeni spisak priložen ovoj datoteci navodi svaki predmet.",
            "Të dhënat e regjistrit kombëtar: çdo send, asgjësimin e të cilit objektet e regjistruan në këtë vit, siç e dërguan dhe siç e kontrolloi regjistri. Lista e vulosur e bashkëngjitur këtij skedari emërton çdo send.",
            "Податоци од националниот регистар: секој предмет чие уништување објектите го евидентирале во оваа година, како што го доставиле и како што регистарот го проверил. Запечатениот список приложен кон оваа датотека го наведува секој предмет.",
            "Cifrele registrului național: fiecare obiect a cărui distrugere unitățile au înregistrat-o în acest an, așa cum au transmis-o și cum a verificat-o registrul. Lista sigilată atașată acestui fișier numește fiecare obiect.",
            "Podaci državnog registra: svaki predmet čije su uništenje objekti evidentirali u ovoj godini, kako su ga dostavili i kako ga je registar provjerio. Zapečaćeni spisak priložen ovoj datoteci navodi svaki predmet.",
            "Podaci nacionalnog registra: svaki predmet čije su uništenje objekti evidentirali u ovoj godini, kako su ga dostavili i kako ga je registar provjerio. Zapečaćeni popis priložen ovoj datoteci navodi svaki predmet.",
            "Podaci nacionalnog registra: svaki predmet čije su uništenje objekti evidentirali u ovoj godini, kako su ga dostavili i kako ga je registar provjerio. Zapečaćeni spisak priložen ovoj datoteci navodi svaki predmet.",
        ],
    }
}

/// Serbian Latin to Cyrillic. Words that are not Serbian (the Latin acronyms listed in
/// `LATIN_ACRONYMS` such as QR and ID, codes with digits such as SHA-256, and words with q, w, x
/// or y such as the product name) are left in Latin, as Serbian typesetting does.
/// Item statuses as the ledger keys them, in [en, sr, sq, mk, ro, bs, hr, cnr] (the same words
/// as the kiosk's catalogues).
const STATUSES: [(&str, [&str; 8]); 8] = [
    (
        "in_store",
        [
            "in store",
            "u magacinu",
            "në depo",
            "во магацин",
            "în depozit",
            "u skladištu",
            "u skladištu",
            "u magacinu",
        ],
    ),
    (
        "checked_out",
        [
            "checked out",
            "izdato",
            "e dhënë",
            "издадено",
            "eliberat temporar",
            "izdato",
            "izdano",
            "izdato",
        ],
    ),
    (
        "in_transit",
        [
            "in transit",
            "u prevozu",
            "në transport",
            "во превоз",
            "în tranzit",
            "u prevozu",
            "u prijevozu",
            "u prevozu",
        ],
    ),
    (
        "awaiting_destruction",
        [
            "awaiting destruction",
            "čeka uništenje",
            "në pritje të asgjësimit",
            "чека уништување",
            "în așteptarea distrugerii",
            "čeka uništavanje",
            "čeka uništavanje",
            "čeka uništavanje",
        ],
    ),
    (
        "destroyed",
        [
            "destroyed",
            "uništeno",
            "e asgjësuar",
            "уништено",
            "distrus",
            "uništeno",
            "uništeno",
            "uništeno",
        ],
    ),
    (
        "transferred_out",
        [
            "transferred out",
            "predato drugoj ustanovi",
            "e transferuar jashtë",
            "предадено на друга институција",
            "transferat altei instituții",
            "predato drugoj instituciji",
            "predano drugom tijelu",
            "predato drugoj instituciji",
        ],
    ),
    (
        "released",
        [
            "released to owner",
            "vraćeno vlasniku",
            "kthyer pronarit",
            "вратено на сопственикот",
            "restituit proprietarului",
            "vraćeno vlasniku",
            "vraćeno vlasniku",
            "vraćeno vlasniku",
        ],
    ),
    (
        "lost_in_transit",
        [
            "lost in transit",
            "izgubljeno u prevozu",
            "humbur gjatë transportit",
            "изгубено во превоз",
            "pierdut în tranzit",
            "izgubljeno u prevozu",
            "izgubljeno u prijevozu",
            "izgubljeno u prevozu",
        ],
    ),
];

/// Ledger event kinds that can appear in an item's history, in the same column order.
const EVENTS: [(&str, [&str; 8]); 29] = [
    (
        "item.register_weapon",
        [
            "registered (weapon)",
            "evidentirano (oružje)",
            "regjistruar (armë)",
            "евидентирано (оружје)",
            "înregistrat (armă)",
            "evidentirano (oružje)",
            "evidentirano (oružje)",
            "evidentirano (oružje)",
        ],
    ),
    (
        "item.register_evidence",
        [
            "registered (exhibit)",
            "evidentirano (dokaz)",
            "regjistruar (provë materiale)",
            "евидентирано (доказ)",
            "înregistrat (corp delict)",
            "evidentirano (dokaz)",
            "evidentirano (dokaz)",
            "evidentirano (dokaz)",
        ],
    ),
    (
        "item.move",
        [
            "moved",
            "premešteno",
            "zhvendosur",
            "преместено",
            "mutat",
            "premješteno",
            "premješteno",
            "premješteno",
        ],
    ),
    (
        "custody.transfer",
        [
            "custody transferred",
            "predato zaduženje",
            "kalim i kujdestarisë",
            "предадено задолжение",
            "predare în custodie",
            "predato zaduženje",
            "predano zaduženje",
            "predato zaduženje",
        ],
    ),
    (
        "item.check_out",
        [
            "checked out",
            "izdato",
            "dhënë",
            "издадено",
            "eliberat temporar",
            "izdato",
            "izdano",
            "izdato",
        ],
    ),
    (
        "item.check_in",
        [
            "checked in",
            "vraćeno",
            "kthyer",
            "вратено",
            "restituit",
            "vraćeno",
            "vraćeno",
            "vraćeno",
        ],
    ),
    (
        "item.status",
        [
            "status changed",
            "promenjeno stanje",
            "ndryshim statusi",
            "променета состојба",
            "stare modificată",
            "promijenjeno stanje",
            "promijenjeno stanje",
            "promijenjeno stanje",
        ],
    ),
    (
        "scan.recorded",
        [
            "scanned",
            "skenirano",
            "skanuar",
            "скенирано",
            "scanat",
            "skenirano",
            "skenirano",
            "skenirano",
        ],
    ),
    (
        "stocktake.scan",
        [
            "counted in stocktake",
            "popisano",
            "numëruar në inventar",
            "попишано",
            "inventariat",
            "popisano",
            "popisano",
            "popisano",
        ],
    ),
    (
        "stocktake.resolve",
        [
            "stocktake difference settled",
            "razrešeno odstupanje popisa",
            "zgjidhur mospërputhja e inventarit",
            "решено отстапување при попис",
            "diferență de inventar rezolvată",
            "razriješeno odstupanje popisa",
            "razriješeno odstupanje inventure",
            "razriješeno neslaganje popisa",
        ],
    ),
    (
        "destruction.add",
        [
            "added to destruction batch",
            "dodato u seriju za uništenje",
            "shtuar në grupin për asgjësim",
            "додадено во серија за уништување",
            "adăugat în lotul de distrugere",
            "dodano u seriju za uništavanje",
            "dodano u seriju za uništavanje",
            "dodato u seriju za uništavanje",
        ],
    ),
    (
        "destruction.freeze",
        [
            "destruction batch frozen",
            "serija za uništenje zaključana",
            "grupi për asgjësim i kyçur",
            "серијата за уништување заклучена",
            "lot de distrugere închis",
            "serija za uništavanje zaključana",
            "serija za uništavanje zaključana",
            "serija za uništavanje zaključana",
        ],
    ),
    (
        "destruction.recount",
        [
            "re-counted for destruction",
            "ponovo prebrojano pre uništenja",
            "rinumëruar para asgjësimit",
            "повторно пребројано пред уништување",
            "renumărat înainte de distrugere",
            "ponovo prebrojano prije uništavanja",
            "ponovno prebrojano prije uništavanja",
            "ponovo prebrojano prije uništavanja",
        ],
    ),
    (
        "destruction.execute",
        [
            "destroyed",
            "uništeno",
            "asgjësuar",
            "уништено",
            "distrus",
            "uništeno",
            "uništeno",
            "uništeno",
        ],
    ),
    (
        "handover.dispatch",
        [
            "dispatched in handover",
            "otpremljeno primopredajom",
            "dërguar me dorëzim",
            "испратено со примопредавање",
            "expediat prin predare-primire",
            "otpremljeno primopredajom",
            "otpremljeno primopredajom",
            "otpremljeno primopredajom",
        ],
    ),
    (
        "handover.import",
        [
            "received in handover bundle",
            "primljeno u paketu primopredaje",
            "marrë në paketën e dorëzimit",
            "примено во пакет за примопредавање",
            "primit în pachetul de predare-primire",
            "primljeno u paketu primopredaje",
            "primljeno u paketu primopredaje",
            "primljeno u paketu primopredaje",
        ],
    ),
    (
        "handover.receive_scan",
        [
            "counted on arrival",
            "prebrojano pri prijemu",
            "numëruar në mbërritje",
            "пребројано при прием",
            "numărat la sosire",
            "prebrojano pri prijemu",
            "prebrojano pri prijemu",
            "prebrojano pri prijemu",
        ],
    ),
    (
        "handover.discrepancy",
        [
            "handover difference",
            "odstupanje pri primopredaji",
            "mospërputhje në dorëzim",
            "отстапување при примопредавање",
            "diferență la predare-primire",
            "odstupanje pri primopredaji",
            "odstupanje pri primopredaji",
            "neslaganje pri primopredaji",
        ],
    ),
    (
        "handover.accept",
        [
            "signed for in handover",
            "preuzeto primopredajom",
            "pranuar me dorëzim",
            "преземено со примопредавање",
            "primit prin predare-primire",
            "preuzeto primopredajom",
            "preuzeto primopredajom",
            "preuzeto primopredajom",
        ],
    ),
    (
        "handover.receipt",
        [
            "receipt: transferred out",
            "potvrda prijema: predato",
            "dëftesë: transferuar jashtë",
            "потврда за прием: предадено",
            "confirmare de primire: transferat",
            "potvrda prijema: predato",
            "potvrda primitka: predano",
            "potvrda prijema: predato",
        ],
    ),
    (
        "item.amend",
        [
            "record amended",
            "zapis ispravljen",
            "regjistrim i korrigjuar",
            "записот исправен",
            "înregistrare rectificată",
            "zapis ispravljen",
            "zapis ispravljen",
            "zapis ispravljen",
        ],
    ),
    (
        "evidence.disposition",
        [
            "disposition decided",
            "odlučeno o raspolaganju",
            "vendim për disponimin",
            "одлучено за располагање",
            "decizie de soluționare",
            "odlučeno o raspolaganju",
            "odlučeno o raspolaganju",
            "odlučeno o raspolaganju",
        ],
    ),
    (
        "evidence.hold",
        [
            "legal hold placed or lifted",
            "zabrana raspolaganja određena ili ukinuta",
            "ndalim vendosur ose hequr",
            "забрана определена или укината",
            "interdicție instituită sau ridicată",
            "zabrana raspolaganja određena ili ukinuta",
            "zabrana raspolaganja određena ili ukinuta",
            "zabrana raspolaganja određena ili ukinuta",
        ],
    ),
    (
        "evidence.release",
        [
            "released to owner",
            "vraćeno vlasniku",
            "kthyer pronarit",
            "вратено на сопственикот",
            "restituit proprietarului",
            "vraćeno vlasniku",
            "vraćeno vlasniku",
            "vraćeno vlasniku",
        ],
    ),
    (
        "destruction.remove",
        [
            "removed from destruction batch",
            "izuzeto iz serije za uništenje",
            "hequr nga grupi për asgjësim",
            "изземено од серијата за уништување",
            "scos din lotul de distrugere",
            "izuzeto iz serije za uništenje",
            "izuzeto iz serije za uništenje",
            "izuzeto iz serije za uništenje",
        ],
    ),
    (
        "destruction.unfreeze",
        [
            "destruction batch reopened",
            "serija za uništenje ponovo otvorena",
            "grupi për asgjësim rihapur",
            "серијата за уништување повторно отворена",
            "lot de distrugere redeschis",
            "serija za uništenje ponovo otvorena",
            "serija za uništenje ponovno otvorena",
            "serija za uništenje ponovo otvorena",
        ],
    ),
    (
        "destruction.cancel",
        [
            "destruction batch cancelled",
            "serija za uništenje otkazana",
            "grupi për asgjësim anuluar",
            "серијата за уништување откажана",
            "lot de distrugere anulat",
            "serija za uništenje otkazana",
            "serija za uništenje otkazana",
            "serija za uništenje otkazana",
        ],
    ),
    (
        "handover.settle",
        [
            "settled as lost in transit",
            "razduženo kao izgubljeno u prevozu",
            "mbyllur si i humbur gjatë transportit",
            "раздолжено како изгубено во превоз",
            "închis ca pierdut în tranzit",
            "razduženo kao izgubljeno u prevozu",
            "razduženo kao izgubljeno u prijevozu",
            "razduženo kao izgubljeno u prevozu",
        ],
    ),
    (
        "item.return",
        [
            "returned through a handover",
            "vraćeno primopredajom",
            "kthyer me dorëzim-pranim",
            "вратено со примопредавање",
            "returnat prin predare-primire",
            "vraćeno primopredajom",
            "vraćeno primopredajom",
            "vraćeno primopredajom",
        ],
    ),
];

/// Item types (weapon types, or an exhibit) as the ledger keys them, in the same column order
/// (the same words as the kiosk's catalogues).
const ITEM_TYPES: [(&str, [&str; 8]); 11] = [
    (
        "pistol",
        [
            "pistol",
            "pištolj",
            "pistoletë",
            "пиштол",
            "pistol",
            "pištolj",
            "pištolj",
            "pištolj",
        ],
    ),
    (
        "revolver",
        [
            "revolver",
            "revolver",
            "revole",
            "револвер",
            "revolver",
            "revolver",
            "revolver",
            "revolver",
        ],
    ),
    (
        "rifle",
        [
            "rifle",
            "puška",
            "pushkë",
            "пушка",
            "pușcă",
            "puška",
            "puška",
            "puška",
        ],
    ),
    (
        "carbine",
        [
            "carbine",
            "karabin",
            "karabinë",
            "карабин",
            "carabină",
            "karabin",
            "karabin",
            "karabin",
        ],
    ),
    (
        "shotgun",
        [
            "shotgun",
            "sačmarica",
            "pushkë gjahu",
            "сачмарка",
            "pușcă cu alice",
            "sačmarica",
            "sačmarica",
            "sačmarica",
        ],
    ),
    (
        "submachine_gun",
        [
            "submachine gun",
            "automat",
            "pistoletë automatike",
            "машински пиштол",
            "pistol-mitralieră",
            "automat",
            "automatski pištolj",
            "automat",
        ],
    ),
    (
        "machine_gun",
        [
            "machine gun",
            "mitraljez",
            "mitraloz",
            "митралез",
            "mitralieră",
            "mitraljez",
            "strojnica",
            "mitraljez",
        ],
    ),
    (
        "grenade_launcher",
        [
            "grenade launcher",
            "bacač granata",
            "granatahedhës",
            "фрлач на гранати",
            "aruncător de grenade",
            "bacač granata",
            "bacač granata",
            "bacač granata",
        ],
    ),
    (
        "other",
        [
            "other",
            "ostalo",
            "tjetër",
            "друго",
            "altele",
            "ostalo",
            "ostalo",
            "ostalo",
        ],
    ),
    (
        "evidence",
        [
            "evidence exhibit",
            "dokazni predmet",
            "provë materiale",
            "доказен предмет",
            "corp delict",
            "dokazni predmet",
            "dokazni predmet",
            "dokazni predmet",
        ],
    ),
    (
        "weapon",
        [
            "weapon",
            "oružje",
            "armë",
            "оружје",
            "armă",
            "oružje",
            "oružje",
            "oružje",
        ],
    ),
];

fn from_table(language: Language, table: &[(&str, [&str; 8])], key: &str) -> String {
    let Some((_, words)) = table.iter().find(|(k, _)| *k == key) else {
        return key.to_string();
    };
    let [en, sr, sq, mk, ro, bs, hr, cnr] = *words;
    match language {
        Language::English => en.to_string(),
        Language::SerbianLatin => sr.to_string(),
        Language::SerbianCyrillic => serbian_to_cyrillic(sr),
        Language::Albanian => sq.to_string(),
        Language::Macedonian => mk.to_string(),
        Language::Romanian => ro.to_string(),
        Language::Bosnian => bs.to_string(),
        Language::Croatian => hr.to_string(),
        Language::Montenegrin => cnr.to_string(),
    }
}

impl Language {
    /// An item status key (`in_store`) in words; an unknown key is printed as it is.
    pub fn status(self, key: &str) -> String {
        from_table(self, &STATUSES, key)
    }

    /// An item type key (`submachine_gun`) in words; anything else is printed as it is.
    pub fn item_type(self, key: &str) -> String {
        from_table(self, &ITEM_TYPES, key)
    }

    /// A ledger event kind (`item.check_out`) in words; an unknown kind is printed as it is.
    pub fn event(self, kind: &str) -> String {
        from_table(self, &EVENTS, kind)
    }
}

pub fn serbian_to_cyrillic(latin: &str) -> String {
    let mut out = String::with_capacity(latin.len() * 2);
    let mut word = String::new();
    for ch in latin.chars() {
        if ch.is_alphanumeric() || ch == '-' {
            word.push(ch);
        } else {
            flush_word(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush_word(&mut word, &mut out);
    out
}

/// Latin acronyms a Serbian Cyrillic text keeps as they are. Any other word in capitals is a
/// Serbian word written in capitals («ALARM» → «АЛАРМ»), and is transliterated like the rest.
const LATIN_ACRONYMS: [&str; 19] = [
    "AIM", "CSV", "DEMO", "EU", "GS1", "ID", "IEC", "ISO", "IUID", "JSON", "NEQ", "PDF", "QR",
    "SALW", "UID", "UN", "USB", "UTC", "ZPL",
];

fn flush_word(word: &mut String, out: &mut String) {
    // Codes and model names carry digits (SHA-256, AK-47, GS1); foreign words carry q, w, x, y.
    let code = word.chars().any(|c| c.is_ascii_digit());
    let acronym = LATIN_ACRONYMS.contains(&word.as_str());
    let foreign = word
        .chars()
        .any(|c| matches!(c.to_ascii_lowercase(), 'q' | 'w' | 'x' | 'y'));
    if code || acronym || foreign {
        out.push_str(word);
    } else {
        let chars: Vec<char> = word.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let pair = chars.get(i + 1).map(|n| (chars[i], *n));
            let digraph = match pair {
                Some(('L', 'j' | 'J')) => Some('Љ'),
                Some(('l', 'j')) => Some('љ'),
                Some(('N', 'j' | 'J')) => Some('Њ'),
                Some(('n', 'j')) => Some('њ'),
                Some(('D', 'ž' | 'Ž')) => Some('Џ'),
                Some(('d', 'ž')) => Some('џ'),
                _ => None,
            };
            if let Some(c) = digraph {
                out.push(c);
                i += 2;
            } else {
                out.push(single(chars[i]));
                i += 1;
            }
        }
    }
    word.clear();
}

fn single(c: char) -> char {
    const MAP: [(char, char); 30] = [
        ('a', 'а'),
        ('b', 'б'),
        ('c', 'ц'),
        ('č', 'ч'),
        ('ć', 'ћ'),
        ('d', 'д'),
        ('đ', 'ђ'),
        ('e', 'е'),
        ('f', 'ф'),
        ('g', 'г'),
        ('h', 'х'),
        ('i', 'и'),
        ('j', 'ј'),
        ('k', 'к'),
        ('l', 'л'),
        ('m', 'м'),
        ('n', 'н'),
        ('o', 'о'),
        ('p', 'п'),
        ('r', 'р'),
        ('s', 'с'),
        ('š', 'ш'),
        ('t', 'т'),
        ('u', 'у'),
        ('v', 'в'),
        ('z', 'з'),
        ('ž', 'ж'),
        // Letters outside the Serbian alphabet stay as they are.
        ('q', 'q'),
        ('w', 'w'),
        ('x', 'x'),
    ];
    let lower = c.to_lowercase().next().unwrap_or(c);
    match MAP.iter().find(|(l, _)| *l == lower) {
        Some((_, cyr)) if c.is_uppercase() => cyr.to_uppercase().next().unwrap_or(*cyr),
        Some((_, cyr)) => *cyr,
        None => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_history_events_print_in_words_in_every_language() {
        assert_eq!(Language::Croatian.status("in_store"), "u skladištu");
        assert_eq!(Language::SerbianCyrillic.status("destroyed"), "уништено");
        assert_eq!(Language::English.event("item.check_out"), "checked out");
        assert_eq!(Language::Croatian.item_type("machine_gun"), "strojnica");
        assert_eq!(Language::SerbianCyrillic.item_type("rifle"), "пушка");
        assert_eq!(Language::Romanian.item_type("AK-47 style"), "AK-47 style");
        assert_eq!(
            Language::Romanian.event("custody.transfer"),
            "predare în custodie"
        );
        // Unknown keys are printed as they are, never dropped.
        assert_eq!(Language::Albanian.status("quarantined"), "quarantined");
        assert_eq!(Language::Macedonian.event("site.init"), "site.init");
        for l in Language::ALL {
            for (key, _) in STATUSES.iter().chain(EVENTS.iter()) {
                let words = if key.contains('.') {
                    l.event(key)
                } else {
                    l.status(key)
                };
                // In words: no key syntax left (English "destroyed" may equal its key).
                let keyish = words.contains('_') || (key.contains('.') && words == *key);
                assert!(!words.is_empty() && !keyish, "{l:?} {key}");
            }
            for (key, _) in ITEM_TYPES.iter() {
                let words = l.item_type(key);
                assert!(!words.is_empty() && !words.contains('_'), "{l:?} {key}");
            }
        }
    }

    #[test]
    fn a_serbian_commission_reads_the_title_in_both_scripts() {
        assert_eq!(
            Language::SerbianLatin.t(Label::TitleCertificate),
            "Potvrda o uništenju oružja"
        );
        assert_eq!(
            Language::SerbianCyrillic.t(Label::TitleCertificate),
            "Потврда о уништењу оружја"
        );
        assert_eq!(
            Language::Albanian.t(Label::TitleCertificate),
            "Certifikatë asgjësimi e armëve"
        );
        assert!(Language::Macedonian
            .t(Label::TitleCertificate)
            .starts_with("Потврда за уништување"));
    }

    #[test]
    fn digraphs_acronyms_and_the_product_name_transliterate_correctly() {
        assert_eq!(
            serbian_to_cyrillic("Ljubljana Njegoš Džep"),
            "Љубљана Његош Џеп"
        );
        assert_eq!(
            serbian_to_cyrillic("QR kod (SHA-256) u Custody"),
            "QR код (SHA-256) у Custody"
        );
        // A Serbian word in capitals is still Serbian; only the listed acronyms stay Latin.
        assert_eq!(
            serbian_to_cyrillic("ALARM: oružje AK-47, ID osobe, PDF"),
            "АЛАРМ: оружје AK-47, ID особе, PDF"
        );
        assert_eq!(serbian_to_cyrillic("UNIŠTENO"), "УНИШТЕНО");
    }

    #[test]
    fn every_label_has_all_languages_and_cyrillic_has_no_stray_serbian_latin() {
        // Walk every label through every language; an empty string would print a blank heading.
        let labels = [
            Label::TitleCertificate,
            Label::SealHowTo,
            Label::CertificateStatement,
            Label::Misplaced,
            Label::Annex,
        ];
        for label in labels {
            for lang in Language::ALL {
                assert!(!lang.t(label).trim().is_empty(), "{label:?} in {lang:?}");
            }
            let cyr = Language::SerbianCyrillic.t(label);
            assert!(
                !cyr.chars().any(|c| "čćšžđČĆŠŽĐ".contains(c)),
                "Latin diacritics left in {cyr}"
            );
        }
    }

    #[test]
    fn no_cell_of_the_table_is_empty_and_romanian_uses_comma_below_letters() {
        // The match in `words` is exhaustive and every row has eight cells by its type, so the
        // remaining mistakes are an empty cell or the cedilla look-alikes ş ţ (which DejaVu
        // draws, but which are not the Romanian letters ș ț).
        let source = include_str!("lang.rs");
        let start = source.find("fn words(label: Label)").expect("words table");
        let end = source[start..].find("\n}\n").expect("end of the table") + start;
        let mut cells = 0;
        for line in source[start..end].lines() {
            let line = line.trim();
            if let Some(cell) = line.strip_prefix('"').and_then(|l| l.strip_suffix("\",")) {
                cells += 1;
                assert!(!cell.trim().is_empty(), "empty cell near {line}");
                assert!(!cell.contains(['ş', 'ţ', 'Ş', 'Ţ']), "cedilla in {cell}");
            }
        }
        assert!(
            cells >= 8 * 100,
            "only {cells} cells found: is the table still one per line?"
        );
    }

    #[test]
    fn croatian_bosnian_and_montenegrin_are_written_in_their_own_words() {
        // Not Serbian with the script changed: ijekavian forms and each one's vocabulary.
        let t = |l: Language, label| l.t(label);
        assert_eq!(
            t(Language::Croatian, Label::TitleStocktake),
            "Izvješće o inventuri"
        );
        assert_eq!(t(Language::Croatian, Label::Serial), "Tvornički broj");
        assert_eq!(t(Language::Croatian, Label::Receiver), "Primatelj");
        assert_eq!(
            t(Language::Bosnian, Label::TitleHistory),
            "Historija čuvanja predmeta"
        );
        assert_eq!(t(Language::Montenegrin, Label::Place), "Mjesto");
        assert_eq!(t(Language::SerbianLatin, Label::Place), "Mesto");
        assert_eq!(
            t(Language::Romanian, Label::TitleManifest),
            "Proces-verbal de predare-primire"
        );
    }

    #[test]
    fn regional_dates_are_day_month_year() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 7).expect("valid date");
        assert_eq!(Language::SerbianLatin.date(d), "07.03.2025");
        assert_eq!(Language::Macedonian.date(d), "07.03.2025");
        assert_eq!(Language::Romanian.date(d), "07.03.2025");
        assert_eq!(Language::Bosnian.date(d), "07.03.2025");
        assert_eq!(Language::Montenegrin.date(d), "07.03.2025");
        assert_eq!(Language::Croatian.date(d), "07.03.2025.");
        assert_eq!(Language::English.date(d), "2025-03-07");
    }

    #[test]
    fn a_ledger_time_is_printed_in_local_time_with_its_offset() {
        let t = DateTime::parse_from_rfc3339("2025-03-07T23:30:00Z")
            .expect("valid time")
            .with_timezone(&Utc);
        let cet = FixedOffset::east_opt(3600).expect("valid offset");
        assert_eq!(
            Language::Albanian.time(t, cet),
            "08.03.2025 00:30 UTC+01:00"
        );
    }
}
