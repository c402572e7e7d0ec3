package concejo.analysis;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.StringSetting;

/** The settings of the {@code stemmer} filter, as analysis-common names them. */
@AnalysisSettings
public interface StemmerSettings {
    /** Which stemmer: light_spanish, spanish or spanish_plural (analysis-common's names). */
    @StringSetting(path = "language", defaultValue = "light_spanish")
    String language();
}
