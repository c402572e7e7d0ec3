package concejo.analysis;

import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;

/** The settings of the {@code asciifolding} filter, as analysis-common names them. */
@AnalysisSettings
public interface AsciiFoldingSettings {
    /** Also keep the unfolded token ("secretaría" and "secretaria"), at the same position. */
    @BooleanSetting(path = "preserve_original", defaultValue = false)
    boolean preserveOriginal();
}
