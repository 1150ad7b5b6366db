"""The ontology as an HTML page a person can read: every class and property with its label,
comment, IRI and relations, made from ``ontology/clausegraph.ttl`` (the file that is the truth).

pyLODE would do this, but its current release does not run once installed (it reads its own
``pyproject.toml`` from site-packages); the page needs no more than one template.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"

# What each group shows, in this order: (heading, anchor, rdf:type IRIs)
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
GROUPS = (
    ("Classes", "classes", (OWL + "Class",)),
    ("Object properties", "object-properties", (OWL + "ObjectProperty",)),
    ("Data properties", "data-properties", (OWL + "DatatypeProperty",)),
    ("Annotation properties", "annotation-properties", (OWL + "AnnotationProperty",)),
)
RELATIONS = (
    ("Subclass of", RDFS + "subClassOf"),
    ("Subproperty of", RDFS + "subPropertyOf"),
    ("Domain", RDFS + "domain"),
    ("Range", RDFS + "range"),
    ("Inverse of", OWL + "inverseOf"),
    ("Disjoint with", OWL + "disjointWith"),
)


@lru_cache(maxsize=4)
def ontology_html(path: Path) -> str:
    """The HTML documentation of the ontology in ``path`` (Turtle)."""
    import jinja2
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL as OWL_NS, RDF, RDFS as RDFS_NS

    graph = Graph().parse(path, format="turtle")
    ontology = next(graph.subjects(RDF.type, OWL_NS.Ontology))
    namespace = str(graph.value(ontology, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")) or "")
    prefix = str(graph.value(ontology, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")) or "")

    def text(subject, predicate) -> str:
        values = [v for v in graph.objects(subject, predicate) if isinstance(v, Literal)]
        english = [v for v in values if v.language in (None, "en")]
        return str((english or values or [""])[0])

    def local(iri) -> str | None:
        iri = str(iri)
        return iri[len(namespace):] if namespace and iri.startswith(namespace) else None

    groups = []
    for name, anchor, types in GROUPS:
        subjects = sorted({s for t in types for s in graph.subjects(RDF.type, URIRef(t)) if local(s)}, key=str)
        terms = []
        for s in subjects:
            relations = []
            for label, predicate in RELATIONS:
                values = [{"local": local(v), "text": str(v)} for v in sorted(graph.objects(s, URIRef(predicate)), key=str)
                          if isinstance(v, URIRef)]
                if values:
                    relations.append((label, values))
            terms.append({"local": local(s), "iri": str(s), "label": text(s, RDFS_NS.label),
                          "comment": text(s, RDFS_NS.comment), "relations": relations})
        if terms:
            groups.append({"name": name, "id": anchor, "terms": terms})

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    return env.get_template("ontology.html").render(
        title=text(ontology, RDFS_NS.label) or "Ontology",
        comment=text(ontology, RDFS_NS.comment),
        namespace=namespace, prefix=prefix,
        version=text(ontology, OWL_NS.versionInfo),
        license=str(graph.value(ontology, DCTERMS.license) or ""),
        groups=groups,
    )
