"""Pools of invented Spanish wording the replica's documents are assembled from.

Everything here is original text written for the replica. The phrase planted for search
tests ("presupuesto participativo") must never appear in these pools, and neither may the
words reserved for scanned documents (see SCAN_NOTE), so tests can tell exactly where they are.
"""

from __future__ import annotations

BARRIOS = (
    "La Magdalena", "Cotocollao", "San Blas", "La Floresta", "Solanda", "Carcelén", "La Tola",
    "San Juan", "El Inca", "La Mariscal", "Chimbacalle", "La Ferroviaria", "San Carlos", "El Condado",
)
PARISHES = (
    "Calderón", "Conocoto", "Cumbayá", "Tumbaco", "Pomasqui", "Nayón", "Guamaní", "Quitumbe",
    "Amaguaña", "Puembo", "Nono", "Lloa", "Pintag", "Checa",
)

ORDINANCE_TOPICS = (
    "que regula el uso del espacio público para el comercio autónomo",
    "para la gestión integral de los residuos sólidos del Distrito Metropolitano",
    "de regularización de los asentamientos humanos de hecho en la parroquia de {parish}",
    "reformatoria del Código Municipal sobre la movilidad sostenible y el uso de la bicicleta",
    "que establece el régimen de protección de las quebradas y los bordes de talud",
    "para el fomento de los emprendimientos y de la economía popular y solidaria",
    "que regula la construcción de vivienda de interés social en suelo urbano",
    "sobre la protección y el bienestar de la fauna urbana",
    "para la prevención del acoso sexual en el transporte público",
    "de declaratoria de patrimonio cultural del barrio {barrio}",
    "que regula los horarios de funcionamiento de los establecimientos nocturnos",
    "para la reducción del riesgo de desastres y la prevención de incendios forestales",
    "que crea el sistema metropolitano de cuidado para las personas adultas mayores",
    "sobre el arbolado urbano y la reforestación de las laderas del Pichincha",
    "que regula la publicidad exterior y los rótulos en el Centro Histórico",
    "de creación del registro metropolitano de organizaciones sociales",
)

RESOLUTION_TOPICS = (
    "la conformación de una comisión especial de seguimiento a la construcción del Metro de Quito",
    "la declaratoria de emergencia vial en la parroquia de {parish}",
    "la entrega en comodato de un inmueble municipal a la liga barrial de {barrio}",
    "el informe de rendición de cuentas del ejercicio fiscal {previous_year}",
    "la autorización al Alcalde Metropolitano para suscribir un convenio de cooperación con la Prefectura",
    "la reforma del presupuesto general del Municipio para el ejercicio {year}",
    "la designación del representante del Concejo ante el directorio de la Empresa de Agua Potable",
    "el cambio de denominación de una calle del barrio {barrio} en homenaje a una maestra de la ciudad",
    "la aprobación de los presupuestos de las empresas públicas metropolitanas para {year}",
)

SPEECH_SENTENCES = (
    "Compañeras y compañeros concejales, quiero dejar constancia de mi posición sobre este punto.",
    ("Este proyecto ha sido discutido durante varios meses en la comisión y recoge las observaciones "
    "de los vecinos de {barrio}."),
    ("La construcción de esta normativa requiere escuchar a los barrios y a las parroquias rurales, "
    "en especial a {parish}."),
    ("No podemos aprobar una ordenanza sin un informe técnico que garantice su financiamiento en el "
    "presupuesto de {year}."),
    "Pido que se incorpore en el texto una disposición transitoria que fije plazos claros para su aplicación.",
    "Los informes de la Procuraduría Metropolitana y de la Secretaría de Planificación son favorables.",
    "Las ordenanzas que aprobamos en este Pleno deben traducirse en obras concretas para la ciudadanía.",
    "Solicito que por Secretaría se dé lectura al informe de la comisión antes de proceder con la votación.",
    "La participación de los vecinos en las mesas de trabajo fue amplia y quedó registrada en las actas.",
    "Me preocupa el impacto de esta medida en los comerciantes y en las familias de menores ingresos.",
    "Apoyo la propuesta, pero pido que se revise el artículo relativo a las sanciones.",
    "Quiero agradecer a los equipos técnicos de la Secretaría de Territorio, Hábitat y Vivienda por su trabajo.",
    "Los presupuestos de las administraciones zonales deben reflejar las prioridades aprobadas por los barrios.",
    "Hemos recibido observaciones escritas de la Federación de Barrios, que constan en el expediente.",
    "Mi voto será a favor porque esta resolución fortalece la gestión del Municipio.",
    "Es indispensable coordinar con la Empresa Metropolitana de Obras Públicas el cronograma de ejecución.",
    "Recordemos que el Código Orgánico de Organización Territorial nos obliga a socializar estas reformas.",
    "Mociono que se apruebe el texto con las observaciones formuladas en este debate.",
    "La ciudad necesita reglas claras para el uso del suelo y la protección de las quebradas.",
    "Propongo que la comisión presente un informe de seguimiento dentro de noventa días.",
)

MAYOR_PROMPTS = (
    "Gracias. Tiene la palabra {next_speaker}.",
    "Muchas gracias. Continuamos con el debate, tiene la palabra {next_speaker}.",
    "Gracias. Señora Secretaria, ¿hay más intervenciones registradas? Tiene la palabra {next_speaker}.",
)

# The planted phrase; every use of it goes through this template so tests can find it.
PLANTED_PHRASE = "presupuesto participativo"
PLANTED_SENTENCE = (
    "Quiero referirme al presupuesto participativo de la parroquia de {parish}: las asambleas "
    "barriales priorizaron obras por {amount} dólares y pido que la Secretaría de Coordinación "
    "Territorial informe a este Concejo sobre su ejecución."
)

# Distinctive words that only appear in scanned (image-only) documents, for OCR tests.
SCAN_WORDS = ("Chilibulo", "Zámbiza", "alcantarillado")
SCAN_NOTE = (
    "Nota del archivo: revisar el expediente del colector de la quebrada Chilibulo y del "
    "alcantarillado de Zámbiza antes de la próxima sesión."
)
