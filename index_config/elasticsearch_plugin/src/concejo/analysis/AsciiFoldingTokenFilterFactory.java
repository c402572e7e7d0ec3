package concejo.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code asciifolding}: the same filter, name and setting as analysis-common's, so one index declaration
 * runs on the integ-test node (which lacks analysis-common) and on a standard distribution alike.
 */
@NamedComponent("asciifolding")
public class AsciiFoldingTokenFilterFactory implements TokenFilterFactory {
    private final boolean preserveOriginal;

    @Inject
    public AsciiFoldingTokenFilterFactory(AsciiFoldingSettings settings) {
        this.preserveOriginal = settings.preserveOriginal();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ASCIIFoldingFilter(tokenStream, preserveOriginal);
    }

    /** Normalizers and multi-term queries (prefix, wildcard) fold too, as analysis-common's filter does. */
    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return new ASCIIFoldingFilter(tokenStream, false);
    }
}
