package concejo.analysis;

import java.util.Locale;
import java.util.function.UnaryOperator;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.es.SpanishPluralStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.tartarus.snowball.ext.SpanishStemmer;

/**
 * {@code stemmer}: analysis-common's filter, name and {@code language} setting, for the Spanish stemmers
 * only. Any other language is refused when the index is created, never silently left unstemmed.
 */
@NamedComponent("stemmer")
public class StemmerTokenFilterFactory implements TokenFilterFactory {
    private final UnaryOperator<TokenStream> stemmer;

    @Inject
    public StemmerTokenFilterFactory(StemmerSettings settings) {
        this.stemmer = stemmerFor(settings.language());
    }

    private static UnaryOperator<TokenStream> stemmerFor(String language) {
        switch (language.toLowerCase(Locale.ROOT)) {
            case "light_spanish":
            case "lightspanish":
                return SpanishLightStemFilter::new;
            case "spanish":
                return stream -> new SnowballFilter(stream, new SpanishStemmer());
            case "spanish_plural":
                return SpanishPluralStemFilter::new;
            default:
                throw new IllegalArgumentException(
                    "stemmer language [" + language + "] is not supported by the concejo-analysis plugin "
                        + "(light_spanish, spanish, spanish_plural): use a distribution with analysis-common "
                        + "for other languages"
                );
        }
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return stemmer.apply(tokenStream);
    }
}
